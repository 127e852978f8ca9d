"""Item models for the advice browser: strands by theme, and topics."""

from __future__ import annotations

import datetime as dt
import math

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QGuiApplication, QPixmap, QStandardItem, QStandardItemModel

from outreach.advice import AdviceLibrary, Topic
from outreach.advice.model import SOURCE_LANG, Status
from outreach.i18n import _, format_date, ngettext, ui_language
from outreach.paths import icons_dir

# Qt.ItemDataRole's values, as plain numbers: the first use of ``Qt`` makes PySide build
# all 1,195 enum members of that namespace in Python, a tenth of the work to the first
# painted window. tests/ui/test_start.py checks the numbers against Qt's.
DISPLAY_ROLE, DECORATION_ROLE, TOOLTIP_ROLE, ACCESSIBLE_TEXT_ROLE, USER_ROLE = 0, 1, 3, 11, 256
STRAND_ROLE = USER_ROLE + 1
TOPIC_ROLE = USER_ROLE + 2
ALL_STRANDS = "__all__"


class StrandTreeModel(QStandardItemModel):
    """Themes with their strands beneath; ``STRAND_ROLE`` holds the strand id.

    Empty until :meth:`rebuild`, which the browser calls with each UI language.
    """

    def __init__(self, library: AdviceLibrary, parent=None) -> None:
        super().__init__(parent)
        self._library = library

    def rebuild(self) -> None:
        self.clear()
        lang = _display_lang(self._library)
        everything = QStandardItem(_("All topics"))
        everything.setData(ALL_STRANDS, STRAND_ROLE)
        everything.setEditable(False)
        self.appendRow(everything)
        for theme in self._library.themes:
            theme_item = QStandardItem(self._library.theme_name(theme.id, lang))
            theme_item.setEditable(False)
            theme_item.setSelectable(False)
            font = theme_item.font()
            font.setBold(True)
            theme_item.setFont(font)
            for strand in self._library.strands_of(theme.id):
                count = len(self._library.topics_in(strand.id))
                item = QStandardItem(self._library.strand_name(strand.id, lang))
                item.setData(strand.id, STRAND_ROLE)
                item.setToolTip(self._library.strand_aim(strand.id, lang))
                item.setAccessibleDescription(
                    ngettext("{n} topic", "{n} topics", count).format(n=count)
                )
                item.setEditable(False)
                theme_item.appendRow(item)
            self.appendRow(theme_item)


def _display_lang(library: AdviceLibrary) -> str:
    """Labels follow the UI language when the content has that language."""
    lang = ui_language()
    return lang if lang in library.languages else SOURCE_LANG


class TopicListModel(QAbstractListModel):
    """A flat list of topics (a strand's, or search results in rank order)."""

    def __init__(self, library: AdviceLibrary, parent=None) -> None:
        super().__init__(parent)
        self._library = library
        self._topics: list[Topic] = []
        self._content_lang = SOURCE_LANG
        self._today = dt.date.today()
        self._warning_icon = None

    def set_topics(self, topics: list[Topic]) -> None:
        self.beginResetModel()
        self._topics = list(topics)
        self._today = dt.date.today()
        self.endResetModel()

    def set_content_language(self, lang: str) -> None:
        self._content_lang = lang
        if self._topics:
            self.dataChanged.emit(self.index(0), self.index(len(self._topics) - 1))

    def topic_at(self, row: int) -> Topic | None:
        return self._topics[row] if 0 <= row < len(self._topics) else None

    def row_of(self, topic_id: str) -> int:
        return next((i for i, t in enumerate(self._topics) if t.id == topic_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._topics)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY_ROLE):
        topic = self.topic_at(index.row()) if index.isValid() else None
        if topic is None:
            return None
        if role == DISPLAY_ROLE:
            # No marks here: they are for the accessible text and the tooltip, and working
            # them out formats dates (Babel's date module and locale data) on first paint.
            return (topic.text(_display_lang(self._library)) or topic.english).title
        if role == ACCESSIBLE_TEXT_ROLE:
            text = topic.text(_display_lang(self._library)) or topic.english
            marks = self._marks(topic)
            return f"{text.title} ({'; '.join(marks)})" if marks else text.title
        if role == TOOLTIP_ROLE:
            text = topic.text(_display_lang(self._library)) or topic.english
            return "\n".join([text.summary, *self._marks(topic)])
        if role == DECORATION_ROLE and topic.review_overdue(self._today):
            return self.warning_icon()
        if role == TOPIC_ROLE:
            return topic.id
        return None

    def warning_icon(self) -> QPixmap:
        """The mark of a topic overdue for review (resources/icons), made on first use.

        A pixmap at the screen's pixel ratio, not the style's standard icon: wrapping the
        style makes PySide build QStyle's enums in Python (5 % of the start-up), and even
        QIcon's own enums cost 1 ms.
        """
        if self._warning_icon is None:
            ratio = min(3, max(1, math.ceil(QGuiApplication.instance().devicePixelRatio())))
            pixmap = QPixmap(str(icons_dir() / f"review-overdue-{16 * ratio}.png"))
            pixmap.setDevicePixelRatio(ratio)
            self._warning_icon = pixmap
        return self._warning_icon

    def _marks(self, topic: Topic) -> list[str]:
        marks = []
        if topic.review_overdue(self._today):
            marks.append(
                _("Review overdue since {date}").format(date=format_date(topic.review_due))
            )
        status = topic.status(self._content_lang)
        if status is Status.MISSING:
            marks.append(_("Not yet translated"))
        elif status is Status.STALE:
            marks.append(_("Translation out of date"))
        elif status is Status.DRAFT:
            marks.append(_("Draft translation"))
        return marks
