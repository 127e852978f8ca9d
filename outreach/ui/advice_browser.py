"""The advice browser: strands by theme, audience filter, live search, topic view."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from outreach.advice import AdviceLibrary, Topic
from outreach.advice.model import SOURCE_LANG, Status
from outreach.i18n import (
    _,
    format_date,
    is_rtl,
    language_label,
    language_name,
)
from outreach.settings import SettingsStore
from outreach.ui.advice_models import ALL_STRANDS, STRAND_ROLE, StrandTreeModel, TopicListModel

ALL_AUDIENCES = ""
SEARCH_DELAY_MS = 120
TEXT_MARGIN = 14
#: The language picker's minimum width, in characters.
LANGUAGE_COMBO_CHARS = 16


class TopicView(QWidget):
    """One topic in a content language, optionally beside the English original."""

    content_language_changed = Signal(str)

    def __init__(self, library: AdviceLibrary, settings: SettingsStore, parent=None) -> None:
        super().__init__(parent)
        self._library = library
        self._settings = settings
        self._topic: Topic | None = None
        self._build()
        self._connect_signals()
        # Its texts come with the advice browser's retranslate_ui, as it is built and on
        # each change of language: translating here too was work done twice at start-up.

    def _build(self) -> None:
        self.language_label = QLabel()
        self.language_combo = QComboBox()
        # Sized by a length, not by measuring every entry: the entries are in Arabic,
        # Bengali, Gurmukhi, Urdu… and measuring them loads a fallback font for each script
        # before the first paint. The row stretches the combo wider than this anyway; the
        # list, when opened, still fits its entries.
        self.language_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.language_combo.setMinimumContentsLength(LANGUAGE_COMBO_CHARS)
        self.language_label.setBuddy(self.language_combo)
        self.english_check = QCheckBox()
        self.english_check.setChecked(self._settings.settings.show_english_alongside)
        top = QHBoxLayout()
        top.addWidget(self.language_label)
        top.addWidget(self.language_combo, 1)
        top.addWidget(self.english_check)

        self.marks_label = QLabel()
        self.marks_label.setWordWrap(True)
        self.marks_label.setObjectName("topicMarks")
        self.marks_label.setStyleSheet(
            "QLabel#topicMarks { background: palette(alternate-base); padding: 6px;"
            " border-left: 4px solid #c77c02; }"
        )
        self.marks_label.hide()

        self.content_view = QTextBrowser()
        self.content_view.setOpenExternalLinks(False)
        self.content_view.setOpenLinks(False)
        self.english_view = QTextBrowser()
        self.english_view.setOpenLinks(False)
        self.text_splitter = QSplitter()  # horizontal
        self.text_splitter.addWidget(self.content_view)
        self.text_splitter.addWidget(self.english_view)
        self.text_splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.marks_label)
        layout.addWidget(self.text_splitter, 1)

    def _connect_signals(self) -> None:
        self.language_combo.currentIndexChanged.connect(self._on_language_index)
        self.english_check.toggled.connect(self._on_english_toggled)

    def _fill_languages(self) -> None:
        current = self.content_language()
        self.language_combo.blockSignals(True)
        self.language_combo.clear()
        for code in self._library.languages:
            self.language_combo.addItem(language_label(code), code)
        wanted = current or self._settings.settings.content_language
        index = self.language_combo.findData(wanted)
        self.language_combo.setCurrentIndex(max(index, 0))
        self.language_combo.blockSignals(False)

    def retranslate_ui(self) -> None:
        self.language_label.setText(_("Content &language:"))
        self.language_combo.setAccessibleName(_("Content language"))
        self.language_combo.setToolTip(_("The language the visitor reads (Ctrl+L)"))
        self.english_check.setText(_("Show &English alongside"))
        self.content_view.setAccessibleName(_("Topic text"))
        self.english_view.setAccessibleName(_("English original"))
        self._fill_languages()
        self._render()

    def content_language(self) -> str:
        return self.language_combo.currentData() or SOURCE_LANG

    def set_content_language(self, code: str) -> None:
        index = self.language_combo.findData(code)
        if index >= 0:
            self.language_combo.setCurrentIndex(index)

    def show_topic(self, topic: Topic | None) -> None:
        self._topic = topic
        self._render()

    @property
    def topic(self) -> Topic | None:
        return self._topic

    def _on_language_index(self, _index: int) -> None:
        code = self.content_language()
        settings = self._settings.settings
        if settings.content_language != code:
            settings.content_language = code
            self._settings.save(settings)
        self._render()
        self.content_language_changed.emit(code)

    def _on_english_toggled(self, checked: bool) -> None:
        settings = self._settings.settings
        settings.show_english_alongside = checked
        self._settings.save(settings)
        self._render()

    def marks(self) -> list[str]:
        """The warnings shown above the text (empty when there are none)."""
        topic = self._topic
        if topic is None:
            return []
        lang = self.content_language()
        marks = []
        status = topic.status(lang)
        if status is Status.MISSING:
            marks.append(
                _("Not yet translated into {language}; showing English.").format(
                    language=language_name(lang)
                )
            )
        elif status is Status.STALE:
            marks.append(
                _("Out of date: the English text has changed since this translation was made.")
            )
        elif status is Status.DRAFT:
            marks.append(_("Draft translation: not yet checked by a qualified translator."))
        if topic.review_overdue():
            marks.append(
                _("Review overdue: this advice was due for review on {date} ({owner}).").format(
                    date=format_date(topic.review_due), owner=topic.owner
                )
            )
        return marks

    def _render(self) -> None:
        topic = self._topic
        lang = self.content_language()
        side_by_side = lang != SOURCE_LANG and self.english_check.isChecked()
        self.english_check.setEnabled(lang != SOURCE_LANG)
        self.english_view.setVisible(side_by_side and topic is not None)
        if topic is None:
            self.content_view.setHtml(
                "<p style='color: gray'>" + _("Choose a topic to read it here.") + "</p>"
            )
            self.marks_label.hide()
            return
        from outreach.advice.render import topic_html  # html's tables: not before a topic

        shown = lang if topic.text(lang) else SOURCE_LANG
        direction = (
            QtCore.Qt.LayoutDirection.RightToLeft
            if is_rtl(shown)
            else QtCore.Qt.LayoutDirection.LeftToRight
        )
        self.content_view.setLayoutDirection(direction)
        self.content_view.setHtml(topic_html(self._library, topic, lang))
        # Room at the edges: Nastaliq and other scripts draw beyond their advance width.
        self.content_view.document().setDocumentMargin(TEXT_MARGIN)
        if side_by_side:
            self.english_view.setLayoutDirection(QtCore.Qt.LayoutDirection.LeftToRight)
            self.english_view.setHtml(topic_html(self._library, topic, SOURCE_LANG))
            self.english_view.document().setDocumentMargin(TEXT_MARGIN)
        marks = self.marks()
        self.marks_label.setText("\n".join(marks))
        self.marks_label.setVisible(bool(marks))


class AdviceBrowser(QWidget):
    """Find advice in seconds: by strand, by audience, or by typing."""

    topic_shown = Signal(str)

    def __init__(self, library: AdviceLibrary, settings: SettingsStore, parent=None) -> None:
        super().__init__(parent)
        self._library = library
        self._settings = settings
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._rebuilding = False
        self._build()
        self._connect_signals()
        self.retranslate_ui()
        self._select_all_topics()

    def add_shortcuts(self) -> None:
        """Ctrl+L goes to the topic's language list. Called once the window has shown."""
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.topic_view.language_combo.setFocus)

    # -- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        self.search_label = QLabel()
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_label.setBuddy(self.search_edit)
        self.audience_label = QLabel()
        self.audience_combo = QComboBox()
        self.audience_label.setBuddy(self.audience_combo)

        self.strand_model = StrandTreeModel(self._library, self)
        self.strand_tree = QTreeView()
        self.strand_tree.setModel(self.strand_model)
        self.strand_tree.setHeaderHidden(True)
        self.strand_tree.setUniformRowHeights(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_label)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.audience_label)
        left_layout.addWidget(self.audience_combo)
        left_layout.addWidget(self.strand_tree, 1)

        self.topic_model = TopicListModel(self._library, self)
        self.topic_list = QListView()
        self.topic_list.setModel(self.topic_model)
        self.topic_list.setUniformItemSizes(True)
        self.topic_list.setWordWrap(True)
        self.topics_heading = QLabel()
        self.topics_heading.setWordWrap(True)
        self.topics_heading.setBuddy(self.topic_list)
        self.strand_aim = QLabel()
        self.strand_aim.setWordWrap(True)
        self.strand_aim.setObjectName("strandAim")
        self.strand_aim.setStyleSheet("QLabel#strandAim { color: palette(placeholder-text); }")
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.topics_heading)
        middle_layout.addWidget(self.strand_aim)
        middle_layout.addWidget(self.topic_list, 1)

        self.topic_view = TopicView(self._library, self._settings)

        self.splitter = QSplitter()  # horizontal
        for widget in (left, middle, self.topic_view):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 6)
        self.splitter.setSizes([240, 300, 700])
        self.splitter.setChildrenCollapsible(False)
        for widget in (left, middle):
            widget.setMinimumWidth(180)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter)

        QWidget.setTabOrder(self.search_edit, self.audience_combo)
        QWidget.setTabOrder(self.audience_combo, self.strand_tree)
        QWidget.setTabOrder(self.strand_tree, self.topic_list)
        QWidget.setTabOrder(self.topic_list, self.topic_view.language_combo)

    def _connect_signals(self) -> None:
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._run_search_now)
        self._search_timer.timeout.connect(self._refresh_topics)
        self.audience_combo.currentIndexChanged.connect(lambda _i: self._refresh_topics())
        self.strand_tree.selectionModel().currentChanged.connect(self._on_strand_changed)
        self.topic_list.selectionModel().currentChanged.connect(self._on_topic_changed)
        self.topic_view.content_language_changed.connect(self.topic_model.set_content_language)

    def retranslate_ui(self) -> None:
        self.search_label.setText(_("&Search advice:"))
        self.search_edit.setPlaceholderText(_("Type a word in any language (Ctrl+F)"))
        self.search_edit.setAccessibleName(_("Search advice"))
        self.audience_label.setText(_("&Audience:"))
        self.audience_combo.setAccessibleName(_("Audience filter"))
        self.strand_tree.setAccessibleName(_("Strands by theme"))
        self.topic_list.setAccessibleName(_("Topics"))
        self._fill_audiences()
        strand = self.current_strand()
        # Clearing and selecting again change the current strand: the topics are listed
        # once, below, not for each change.
        self._rebuilding = True
        try:
            self.strand_model.rebuild()
            self.strand_tree.expandAll()
            self._select_strand(strand)
        finally:
            self._rebuilding = False
        self.topic_view.retranslate_ui()
        self._refresh_topics()

    def _fill_audiences(self) -> None:
        current = self.audience_combo.currentData()
        self.audience_combo.blockSignals(True)
        self.audience_combo.clear()
        self.audience_combo.addItem(_("All audiences"), ALL_AUDIENCES)
        lang = self._label_lang()
        for audience_id in self._library.audience_ids:
            self.audience_combo.addItem(self._library.audience_name(audience_id, lang), audience_id)
        index = self.audience_combo.findData(current) if current else 0
        self.audience_combo.setCurrentIndex(max(index, 0))
        self.audience_combo.blockSignals(False)

    def _label_lang(self) -> str:
        from outreach.i18n import ui_language

        lang = ui_language()
        return lang if lang in self._library.languages else SOURCE_LANG

    # -- state -------------------------------------------------------------------------
    @property
    def library(self) -> AdviceLibrary:
        return self._library

    def focus_search(self) -> None:
        self.search_edit.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def current_strand(self) -> str:
        index = self.strand_tree.currentIndex()
        return index.data(STRAND_ROLE) or ALL_STRANDS if index.isValid() else ALL_STRANDS

    def current_audience(self) -> str:
        return self.audience_combo.currentData() or ALL_AUDIENCES

    def visible_topic_ids(self) -> list[str]:
        model = self.topic_model
        return [model.topic_at(row).id for row in range(model.rowCount())]

    def _select_all_topics(self) -> None:
        self._select_strand(ALL_STRANDS)

    def _select_strand(self, strand_id: str) -> None:
        model = self.strand_model
        for row in range(model.rowCount()):
            item = model.item(row)
            if item.data(STRAND_ROLE) == strand_id:
                self.strand_tree.setCurrentIndex(item.index())
                return
            for child_row in range(item.rowCount()):
                child = item.child(child_row)
                if child.data(STRAND_ROLE) == strand_id:
                    self.strand_tree.setCurrentIndex(child.index())
                    return

    def select_strand(self, strand_id: str) -> None:
        """Show the topics of ``strand_id`` (clears any search)."""
        self.search_edit.clear()
        self._select_strand(strand_id)
        self._refresh_topics()

    def show_topic(self, topic_id: str) -> bool:
        """Select ``topic_id`` in the list (if listed) and show it."""
        row = self.topic_model.row_of(topic_id)
        if row < 0:
            return False
        self.topic_list.setCurrentIndex(self.topic_model.index(row))
        return True

    # -- reactions ---------------------------------------------------------------------
    def _on_strand_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._rebuilding:
            return  # retranslate_ui lists the topics when done
        if current.isValid() and current.data(STRAND_ROLE) is None:
            return  # a theme heading
        self._refresh_topics()

    def _run_search_now(self) -> None:
        self._search_timer.stop()
        self._refresh_topics()
        if self.topic_model.rowCount():
            self.topic_list.setCurrentIndex(self.topic_model.index(0))

    def _refresh_topics(self) -> None:
        query = self.search_edit.text().strip()
        audience = self.current_audience() or None
        strand = self.current_strand()
        if query:
            hits = self._library.search(query, limit=100)
            topics = [self._library.topic(h.topic_id) for h in hits]
            topics = [t for t in topics if t and (audience is None or audience in t.audiences)]
            heading = _("Results for “{query}”: {n}").format(query=query, n=len(topics))
            aim = ""
        else:
            topics = self._library.topics_in(None if strand == ALL_STRANDS else strand, audience)
            if strand == ALL_STRANDS:
                heading = _("All topics: {n}").format(n=len(topics))
                aim = ""
            else:
                lang = self._label_lang()
                heading = f"{self._library.strand_name(strand, lang)}: {len(topics)}"
                aim = self._library.strand_aim(strand, lang)
        shown = self.topic_view.topic
        self.topic_model.set_topics(topics)
        self.topics_heading.setText(f"<b>{heading}</b>")
        self.strand_aim.setText(aim)
        self.strand_aim.setVisible(bool(aim))
        if shown is not None and self.topic_model.row_of(shown.id) >= 0:
            from PySide6.QtCore import QItemSelectionModel  # (its enums: not at start-up)

            self.topic_list.selectionModel().setCurrentIndex(
                self.topic_model.index(self.topic_model.row_of(shown.id)),
                QItemSelectionModel.SelectionFlag.ClearAndSelect,
            )

    def _on_topic_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        topic = self.topic_model.topic_at(current.row()) if current.isValid() else None
        if topic is None:
            return
        self.topic_view.show_topic(topic)
        self.topic_shown.emit(topic.id)
