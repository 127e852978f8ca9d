"""The engagement log screen: a filterable list, stall mode, follow-ups and "you said"."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from outreach.advice import AdviceLibrary
from outreach.engagements.model import EngagementFilter, Kind
from outreach.engagements.service import EngagementError
from outreach.i18n import _, format_date, format_number, native_language_name, ngettext, ui_language
from outreach.services import RecordServices
from outreach.settings import SettingsStore
from outreach.ui.engagement_editor import EngagementEditor
from outreach.ui.engagement_models import ID_ROLE, EngagementTableModel, PagedTableModel

FILTER_DELAY_MS = 150
PERIODS = {
    "all": 0,
    "7": 7,
    "30": 30,
    "365": 365,
}


class EngagementLog(QWidget):
    """The list of engagements on this laptop, instant over years of records."""

    changed = Signal()
    leaflet_requested = Signal(str)

    def __init__(
        self, services: RecordServices, library: AdviceLibrary, settings: SettingsStore, parent=None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._library = library
        self._settings = settings
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._build()
        self._connect_signals()
        self.retranslate_ui()
        self.apply_filter()

    def _label_lang(self) -> str:
        lang = ui_language()
        return lang if lang in self._library.languages else "en"

    def _name(self, kind: str, ident: str) -> str:
        if kind == "strand":
            return self._library.strand_name(ident, self._label_lang())
        return self._services.reference.name(kind, ident)

    def _build(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.kind_combo = QComboBox()
        self.strand_combo = QComboBox()
        self.district_combo = QComboBox()
        self.period_combo = QComboBox()
        self.count_label = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 2)
        for combo in (self.kind_combo, self.strand_combo, self.district_combo, self.period_combo):
            filters.addWidget(combo, 1)
        self.model = EngagementTableModel(self._services.engagements, self._name, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((130, 190, 260, 120, 170, 70)):
            self.table.setColumnWidth(column, width)
        self.new_button = QPushButton()
        self.edit_button = QPushButton()
        self.delete_button = QPushButton()
        self.stall_button = QPushButton()
        self.survey_button = QPushButton()
        self.leaflet_button = QPushButton()
        buttons = QHBoxLayout()
        for button in (
            self.new_button,
            self.edit_button,
            self.delete_button,
            self.stall_button,
            self.survey_button,
            self.leaflet_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_engagement)
        QShortcut(QKeySequence("Ctrl+T"), self, activated=self.open_stall_mode)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.delete_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, activated=self.edit_selected)

    def _connect_signals(self) -> None:
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        self._timer.timeout.connect(self.apply_filter)
        for combo in (self.kind_combo, self.strand_combo, self.district_combo, self.period_combo):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.new_button.clicked.connect(self.new_engagement)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.stall_button.clicked.connect(self.open_stall_mode)
        self.survey_button.clicked.connect(self.open_survey)
        self.leaflet_button.clicked.connect(self.request_leaflet)

    def retranslate_ui(self) -> None:
        self.search_edit.setPlaceholderText(_("Filter by venue, notes, concerns…"))
        self.search_edit.setAccessibleName(_("Filter engagements"))
        self._fill(self.kind_combo, _("All kinds"), [(k.value, k.label) for k in Kind])
        self._fill(
            self.strand_combo,
            _("All strands"),
            [
                (s.id, self._library.strand_name(s.id, self._label_lang()))
                for s in self._library.strands
            ],
        )
        self._fill(
            self.district_combo,
            _("All districts"),
            [(d.id, d.name) for d in self._services.reference.districts],
        )
        self._fill(
            self.period_combo,
            _("Any date"),
            [("7", _("Last 7 days")), ("30", _("Last 30 days")), ("365", _("Last 12 months"))],
        )
        for combo, name in (
            (self.kind_combo, _("Kind filter")),
            (self.strand_combo, _("Strand filter")),
            (self.district_combo, _("District filter")),
            (self.period_combo, _("Date filter")),
        ):
            combo.setAccessibleName(name)
        self.table.setAccessibleName(_("Engagements"))
        self.new_button.setText(_("&New engagement"))
        self.new_button.setToolTip(_("Record a new engagement (Ctrl+N)"))
        self.edit_button.setText(_("&Open"))
        self.delete_button.setText(_("&Delete"))
        self.stall_button.setText(_("S&tall mode"))
        self.stall_button.setToolTip(_("A big tally button for a busy stall (Ctrl+T)"))
        self.survey_button.setText(_("Premises &survey"))
        self.leaflet_button.setText(_("Lea&flet…"))
        self.leaflet_button.setToolTip(
            _("Print a leaflet and count the copies on the chosen engagement")
        )
        self._update_count()

    @staticmethod
    def _fill(combo: QComboBox, everything: str, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, "")
        for ident, name in items:
            combo.addItem(name, ident)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
        combo.blockSignals(False)

    def current_filter(self) -> EngagementFilter:
        days = int(self.period_combo.currentData() or 0)
        return EngagementFilter(
            text=self.search_edit.text(),
            kind=self.kind_combo.currentData() or "",
            strand=self.strand_combo.currentData() or "",
            district=self.district_combo.currentData() or "",
            date_from=dt.date.today() - dt.timedelta(days=days) if days else None,
        )

    def apply_filter(self) -> None:
        self._timer.stop()
        self.model.set_filter(self.current_filter())
        self._update_count()

    def refresh(self) -> None:
        self.model.refresh()
        self._update_count()
        self.changed.emit()

    def _update_count(self) -> None:
        total = self.model.total
        self.count_label.setText(
            ngettext("{n} engagement", "{n} engagements", total).format(n=format_number(total))
        )

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    # -- actions -----------------------------------------------------------------------
    def new_engagement(self) -> EngagementEditor:
        return self._open_editor(None)

    def edit_selected(self) -> EngagementEditor | None:
        ident = self.selected_id()
        return self._open_editor(ident) if ident else None

    def _open_editor(self, ident: str | None) -> EngagementEditor:
        editor = EngagementEditor(
            self._services, self._library, self._settings.settings, ident, self
        )
        editor.saved.connect(lambda _id: self.refresh())
        editor.open()
        return editor

    def delete_selected(self) -> None:
        ident = self.selected_id()
        if not ident:
            return
        answer = QMessageBox.question(
            self,
            _("Delete engagement"),
            _(
                "Delete this engagement? It is kept as a deletion record until it has been exported."
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._services.engagements.delete(ident)
            self.refresh()

    def open_stall_mode(self) -> StallMode | None:
        ident = self.selected_id()
        if ident is None:
            QMessageBox.information(
                self, _("Stall mode"), _("Choose the engagement (the stall) in the list first.")
            )
            return None
        dialog = StallMode(self._services, self._library, ident, self)
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.showMaximized()
        return dialog

    def request_leaflet(self) -> None:
        ident = self.selected_id()
        if ident is None:
            QMessageBox.information(
                self, _("Leaflet"), _("Choose the engagement to count the leaflets on first.")
            )
            return
        self.leaflet_requested.emit(ident)

    def open_survey(self):
        from outreach.ui.survey_dialog import SurveyDialog

        ident = self.selected_id()
        if ident is None:
            QMessageBox.information(
                self, _("Premises survey"), _("Choose a business premises visit in the list first.")
            )
            return None
        record = self._services.engagements.get(ident)
        if record.data.kind != Kind.PREMISES_VISIT:
            QMessageBox.information(
                self, _("Premises survey"), _("A survey belongs to a business premises visit.")
            )
            return None
        dialog = SurveyDialog(self._services, self._library, ident, self, self._settings)
        dialog.open()
        return dialog


class StallMode(QDialog):
    """A busy stall: one big button (or the space bar) per person, quick leaflet counts."""

    QUICK_LEAFLETS = 6

    def __init__(
        self, services: RecordServices, library: AdviceLibrary, engagement_id: str, parent=None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._library = library
        self._id = engagement_id
        record = services.engagements.get(engagement_id)
        self._count = record.data.people_engaged
        self.setWindowTitle(_("Stall mode"))
        self.title = QLabel(record.data.venue)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont()
        font.setPointSize(72)
        font.setBold(True)
        self.count_label.setFont(font)
        self.tally_button = QPushButton(_("+1 person (Space)"))
        self.tally_button.setMinimumHeight(160)
        big = QFont()
        big.setPointSize(28)
        self.tally_button.setFont(big)
        self.tally_button.setAccessibleName(_("Add one person spoken to"))
        self.undo_button = QPushButton(_("−1 (Backspace)"))
        self.done_button = QPushButton(_("&Done"))
        grid = QGridLayout()
        self.leaflet_buttons: list[QPushButton] = []
        recent = [x for x in record.data.leaflets][: self.QUICK_LEAFLETS]
        choices = [(x.topic_id, x.lang) for x in recent]
        for topic in library.topics:
            if len(choices) >= self.QUICK_LEAFLETS:
                break
            if (topic.id, "en") not in choices and set(topic.strand.split()) & set(
                record.data.strands
            ):
                choices.append((topic.id, "en"))
        for index, (topic_id, lang) in enumerate(choices):
            topic = library.topic(topic_id)
            button = QPushButton()
            button.setProperty("leaflet", (topic_id, lang))
            button.setMinimumHeight(60)
            button.clicked.connect(
                lambda _c=False, t=topic_id, lg=lang, b=button: self.add_leaflet(t, lg, b)
            )
            self._label_leaflet(
                button,
                topic.english.title if topic else topic_id,
                lang,
                self._leaflet_count(record, topic_id, lang),
            )
            grid.addWidget(button, index // 3, index % 3)
            self.leaflet_buttons.append(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.count_label, 1)
        layout.addWidget(self.tally_button)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addStretch(1)
        row.addWidget(self.done_button)
        if self.leaflet_buttons:
            layout.addWidget(QLabel(_("Leaflets handed out (click per leaflet):")))
            layout.addLayout(grid)
        layout.addLayout(row)
        self.tally_button.clicked.connect(lambda: self.add_people(1))
        self.undo_button.clicked.connect(lambda: self.add_people(-1))
        self.done_button.clicked.connect(self.accept)
        self._show_count()
        self.tally_button.setFocus()

    def keyPressEvent(self, event) -> None:
        """Space or + counts a person; Backspace or − takes one off (a focused button
        handles its own Space press first, so nothing is counted twice)."""
        key = event.key()
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Plus):
            self.add_people(1)
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Minus):
            self.add_people(-1)
        else:
            super().keyPressEvent(event)

    @staticmethod
    def _leaflet_count(record, topic_id: str, lang: str) -> int:
        return next(
            (x.count for x in record.data.leaflets if (x.topic_id, x.lang) == (topic_id, lang)), 0
        )

    @staticmethod
    def _label_leaflet(button: QPushButton, title: str, lang: str, count: int) -> None:
        short = title if len(title) <= 34 else title[:33].rstrip() + "…"
        button.setText(f"{short}\n{native_language_name(lang)}: {count}")
        button.setToolTip(title)

    @property
    def count(self) -> int:
        return self._count

    def _show_count(self) -> None:
        self.count_label.setText(format_number(self._count))
        self.count_label.setAccessibleName(
            ngettext("{n} person spoken to", "{n} people spoken to", self._count).format(
                n=self._count
            )
        )

    def add_people(self, n: int) -> None:
        """Count people at once in the database: a crash keeps every click."""
        try:
            self._count = self._services.engagements.add_people(self._id, n)
        except EngagementError as exc:
            QMessageBox.warning(self, _("Stall mode"), str(exc))
            return
        self._show_count()

    def add_leaflet(self, topic_id: str, lang: str, button: QPushButton) -> None:
        count = self._services.engagements.record_leaflets(self._id, topic_id, lang, 1)
        topic = self._library.topic(topic_id)
        self._label_leaflet(button, topic.english.title if topic else topic_id, lang, count)


class FollowUpsPanel(QWidget):
    """Open follow-ups (soonest first) and "you said" items still without a "we did".

    Both lists are fetched a page at a time: years of records stay quick and small.
    """

    def __init__(self, services: RecordServices, parent=None) -> None:
        super().__init__(parent)
        self._services = services
        log = services.engagements
        self.follow_ups_label = QLabel()
        self.follow_ups_model = PagedTableModel(
            lambda offset, limit: log.open_follow_ups(offset, limit),
            log.count_open_follow_ups,
            lambda: [_("Due"), _("Follow-up"), _("Venue"), _("District")],
            self._follow_up_cell,
            self,
        )
        self.follow_ups = self._table(self.follow_ups_model, (110, 420, 320))
        self.done_button = QPushButton()
        self.concerns_label = QLabel()
        self.concerns_model = PagedTableModel(
            lambda offset, limit: log.unanswered_concerns(offset, limit),
            log.count_unanswered_concerns,
            lambda: [_("Date"), _("You said"), _("Action so far"), _("District")],
            self._concern_cell,
            self,
        )
        self.concerns = self._table(self.concerns_model, (110, 420, 360))
        layout = QVBoxLayout(self)
        layout.addWidget(self.follow_ups_label)
        layout.addWidget(self.follow_ups, 1)
        row = QHBoxLayout()
        row.addWidget(self.done_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.concerns_label)
        layout.addWidget(self.concerns, 1)
        self.done_button.clicked.connect(self.mark_done)
        self.retranslate_ui()

    @staticmethod
    def _table(model, widths) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().hide()
        for column, width in enumerate(widths):
            table.setColumnWidth(column, width)
        return table

    def _follow_up_cell(self, item, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and item.overdue():
            return QColor("#b00020")
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and item.overdue():
            return _("Overdue")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return format_date(item.due, "short")
        if column == 1:
            return item.description
        if column == 2:
            return item.venue
        return self._services.reference.name("district", item.district)

    def _concern_cell(self, item, column: int, role: int):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return format_date(item.starts_at.date(), "short")
        if column == 1:
            return item.raised
        if column == 2:
            return item.action or _("(nothing yet)")
        return self._services.reference.name("district", item.district)

    def retranslate_ui(self) -> None:
        self.follow_ups_label.setText("<b>" + _("Open follow-ups") + "</b>")
        self.follow_ups.setAccessibleName(_("Open follow-ups"))
        self.done_button.setText(_("Mark &done"))
        self.concerns_label.setText("<b>" + _("You said, we did: still to answer") + "</b>")
        self.concerns.setAccessibleName(_("Concerns without an answer"))
        self.refresh()

    def refresh(self) -> None:
        self.follow_ups_model.refresh()
        self.concerns_model.refresh()

    def mark_done(self) -> None:
        item = self.follow_ups_model.item_at(self.follow_ups.currentIndex().row())
        if item is None:
            return
        self._services.engagements.set_follow_up_done(
            item.engagement_id, item.follow_up_id, dt.date.today()
        )
        self.refresh()
