"""Item models for the engagement log: a lazily fetched list, follow-ups, concerns."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from outreach.engagements.model import EngagementFilter, EngagementRow, Kind
from outreach.engagements.service import EngagementService
from outreach.i18n import _, format_date

PAGE = 256
ID_ROLE = Qt.ItemDataRole.UserRole + 10


class EngagementTableModel(QAbstractTableModel):
    """Engagements newest first, fetched a page at a time as the view scrolls."""

    COLUMNS = ("date", "kind", "venue", "district", "team", "people", "strands")

    def __init__(self, service: EngagementService, names, parent=None) -> None:
        super().__init__(parent)
        self._service = service
        self._names = names  # callable (kind, id) -> display name
        self._filter = EngagementFilter()
        self._rows: list[EngagementRow] = []
        self._total = 0
        self.refresh()

    @property
    def total(self) -> int:
        """How many engagements match the filter (not just those fetched)."""
        return self._total

    def set_filter(self, flt: EngagementFilter) -> None:
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._total = self._service.count(self._filter)
        self._rows = self._service.rows(self._filter, 0, PAGE)
        self.endResetModel()

    def row_at(self, row: int) -> EngagementRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if parent.isValid():
            return
        more = self._service.rows(self._filter, len(self._rows), PAGE)
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            "date": _("Date"),
            "kind": _("Kind"),
            "venue": _("Venue"),
            "district": _("District"),
            "team": _("Team"),
            "people": _("People"),
            "strands": _("Strands"),
        }[self.COLUMNS[section]]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "people":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == "date":
            return f"{format_date(row.starts_at.date(), 'short')} {row.starts_at:%H:%M}"
        if column == "kind":
            return Kind(row.kind).label if row.kind in Kind._value2member_map_ else row.kind
        if column == "venue":
            return row.venue
        if column == "district":
            return self._names("district", row.district)
        if column == "team":
            return self._names("team", row.team) if row.team else ""
        if column == "people":
            return str(row.people_engaged)
        return ", ".join(self._names("strand", s) for s in row.strands)


class PagedTableModel(QAbstractTableModel):
    """A read-only table fetched a page at a time from a service (``fetch(offset, limit)``)."""

    def __init__(self, fetch, count, headers, cells, parent=None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._count = count
        self._headers = headers  # callable -> list of column titles (translated on demand)
        self._cells = cells  # callable (item, column, role) -> value or None
        self._items: list = []
        self._total = 0
        self.refresh()

    @property
    def total(self) -> int:
        return self._total

    def refresh(self) -> None:
        self.beginResetModel()
        self._total = self._count()
        self._items = self._fetch(0, PAGE)
        self.endResetModel()

    def item_at(self, row: int):
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers())

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and len(self._items) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if parent.isValid():
            return
        more = self._fetch(len(self._items), PAGE)
        if not more:
            self._total = len(self._items)
            return
        self.beginInsertRows(QModelIndex(), len(self._items), len(self._items) + len(more) - 1)
        self._items.extend(more)
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers()[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        item = self.item_at(index.row()) if index.isValid() else None
        return None if item is None else self._cells(item, index.column(), role)
