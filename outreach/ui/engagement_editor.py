"""The engagement editor: sensible defaults, messages beside fields, drafts as you type."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from outreach.advice import AdviceLibrary
from outreach.engagements.model import (
    ConcernLine,
    ConcernStatus,
    ContactLine,
    EngagementData,
    FieldError,
    FollowUpLine,
    Kind,
    LeafletLine,
    consent_covers_hq,
)
from outreach.engagements.service import EngagementError, ValidationError
from outreach.i18n import N_, _, format_date, ui_language
from outreach.services import RecordServices
from outreach.settings import Settings

DRAFT_DELAY_MS = 400
CONSENT_VERSION = "contact-consent-v1"
CONSENT_WORDING = N_(
    "I agree that the police may keep my name and contact details to contact me about the "
    "purpose below, and delete them by the date below. I can ask for them to be deleted "
    "sooner at any time."
)
DEFAULT_RETENTION_DAYS = 90
NEW_DRAFT_KEY = "engagement:new"
STATUS_LABELS = {
    ConcernStatus.OPEN: N_("Open"),
    ConcernStatus.PROMISED: N_("Action promised"),
    ConcernStatus.DONE: N_("Done"),
}


def _to_py(value: QDateTime) -> dt.datetime:
    return value.toPython().replace(second=0, microsecond=0)


def _qdt(value: dt.datetime) -> QDateTime:
    return QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))


def _checked(widget: QListWidget) -> list[str]:
    return [
        widget.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


def _fill_checks(widget: QListWidget, items: list[tuple[str, str]], checked: list[str]) -> None:
    widget.clear()
    for ident, name in items:
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, ident)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if ident in checked else Qt.CheckState.Unchecked)
        widget.addItem(item)


class EngagementEditor(QDialog):
    """Create or edit one engagement. Every change is saved as a draft at once."""

    saved = Signal(str)

    def __init__(
        self,
        services: RecordServices,
        library: AdviceLibrary,
        settings: Settings,
        engagement_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._library = library
        self._settings = settings
        self._id = engagement_id
        self._version: int | None = None
        self._draft_key = f"engagement:{engagement_id}" if engagement_id else NEW_DRAFT_KEY
        self._loading = True
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        self.error_labels: dict[str, QLabel] = {}
        self._build()
        self._load()
        self._connect_signals()
        self._loading = False
        self._on_kind_changed()
        self.setWindowTitle(_("Edit engagement") if engagement_id else _("New engagement"))
        self.resize(760, 640)

    # -- layout ------------------------------------------------------------------------
    def _error_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error_{field}")
        label.setStyleSheet("color: #b00020;")
        label.setWordWrap(True)
        label.hide()
        self.error_labels[field] = label
        return label

    def _with_error(self, widget: QWidget, field: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        layout.addWidget(self._error_label(field))
        return box

    def _build(self) -> None:
        reference = self._services.reference
        lang = ui_language() if ui_language() in self._library.languages else "en"
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: palette(alternate-base); padding: 6px;")
        self.banner.hide()
        self.discard_draft_button = QPushButton(_("Discard restored changes"))
        self.discard_draft_button.hide()

        self.kind_combo = QComboBox()
        for kind in Kind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.starts_edit = QDateTimeEdit()
        self.starts_edit.setCalendarPopup(True)
        self.ends_edit = QDateTimeEdit()
        self.ends_edit.setCalendarPopup(True)
        self.venue_edit = QLineEdit()
        self.venue_edit.setPlaceholderText(
            _("Venue, street or area: never a member of the public's address")
        )
        self.district_combo = QComboBox()
        for item in reference.districts:
            self.district_combo.addItem(item.name, item.id)
        self.team_combo = QComboBox()
        self.team_combo.addItem(_("(no team)"), "")
        for item in reference.teams:
            self.team_combo.addItem(item.name, item.id)
        self.officer_edit = QLineEdit()
        self.people_spin = QSpinBox()
        self.people_spin.setRange(0, 100000)

        details = QWidget()
        form = QFormLayout(details)
        form.addRow(_("&Kind:"), self._with_error(self.kind_combo, "kind"))
        form.addRow(_("&Start:"), self._with_error(self.starts_edit, "starts_at"))
        form.addRow(_("&End:"), self._with_error(self.ends_edit, "ends_at"))
        form.addRow(_("&Venue:"), self._with_error(self.venue_edit, "venue"))
        form.addRow(_("&District:"), self._with_error(self.district_combo, "district"))
        form.addRow(_("&Team:"), self._with_error(self.team_combo, "team"))
        form.addRow(_("&Officer:"), self.officer_edit)
        form.addRow(_("&People engaged:"), self._with_error(self.people_spin, "people_engaged"))

        self.cocooning_box = QGroupBox(_("Burglary cocooning"))
        cocoon = QFormLayout(self.cocooning_box)
        self.burglary_date_edit = QDateEdit()
        self.burglary_date_edit.setCalendarPopup(True)
        self.doors_knocked_spin = QSpinBox()
        self.doors_answered_spin = QSpinBox()
        self.doors_leafleted_spin = QSpinBox()
        for spin in (self.doors_knocked_spin, self.doors_answered_spin, self.doors_leafleted_spin):
            spin.setRange(0, 10000)
        cocoon.addRow(
            _("Date of the &burglary:"), self._with_error(self.burglary_date_edit, "burglary_date")
        )
        cocoon.addRow(
            _("Doors &knocked:"), self._with_error(self.doors_knocked_spin, "doors_knocked")
        )
        cocoon.addRow(
            _("Doors &answered:"), self._with_error(self.doors_answered_spin, "doors_answered")
        )
        cocoon.addRow(
            _("Doors &leafleted:"), self._with_error(self.doors_leafleted_spin, "doors_leafleted")
        )
        form.addRow(self.cocooning_box)

        self.strands_list = QListWidget()
        _fill_checks(
            self.strands_list,
            [(s.id, self._library.strand_name(s.id, lang)) for s in self._library.strands],
            [],
        )
        self.audiences_list = QListWidget()
        _fill_checks(self.audiences_list, [(a.id, a.name) for a in reference.audiences], [])
        self.partners_list = QListWidget()
        _fill_checks(self.partners_list, [(p.id, p.name) for p in reference.partners], [])
        topics_page = QWidget()
        topics_layout = QHBoxLayout(topics_page)
        for title, widget, field in (
            (_("Strands discussed"), self.strands_list, "strands"),
            (_("Audiences"), self.audiences_list, "audiences"),
            (_("Partners present"), self.partners_list, "partners"),
        ):
            column = QVBoxLayout()
            label = QLabel(title)
            label.setBuddy(widget)
            widget.setAccessibleName(title)
            column.addWidget(label)
            column.addWidget(self._with_error(widget, field))
            topics_layout.addLayout(column)

        self.concerns_table = QTableWidget(0, 3)
        self.concerns_table.setHorizontalHeaderLabels([_("You said"), _("We did"), _("Status")])
        self.concerns_table.horizontalHeader().setStretchLastSection(True)
        self.concerns_table.setColumnWidth(0, 260)
        self.concerns_table.setColumnWidth(1, 260)
        self.concerns_table.setAccessibleName(_("Concerns raised and actions"))
        self.add_concern_button = QPushButton(_("Add &concern"))
        self.remove_concern_button = QPushButton(_("Remove concern"))
        concerns_page = self._table_page(
            self.concerns_table, "concerns", self.add_concern_button, self.remove_concern_button
        )

        self.follow_ups_table = QTableWidget(0, 2)
        self.follow_ups_table.setHorizontalHeaderLabels([_("Follow-up"), _("Due")])
        self.follow_ups_table.setColumnWidth(0, 420)
        self.follow_ups_table.horizontalHeader().setStretchLastSection(True)
        self.follow_ups_table.setAccessibleName(_("Follow-ups"))
        self.add_follow_up_button = QPushButton(_("Add &follow-up"))
        self.remove_follow_up_button = QPushButton(_("Remove follow-up"))
        self.leaflets_table = QTableWidget(0, 3)
        self.leaflets_table.setHorizontalHeaderLabels(
            [_("Leaflet topic"), _("Language"), _("Copies")]
        )
        self.leaflets_table.setColumnWidth(0, 360)
        self.leaflets_table.horizontalHeader().setStretchLastSection(True)
        self.leaflets_table.setAccessibleName(_("Leaflets handed out"))
        self.add_leaflet_button = QPushButton(_("Add &leaflets"))
        self.remove_leaflet_button = QPushButton(_("Remove leaflets"))
        follow_page = QWidget()
        follow_layout = QVBoxLayout(follow_page)
        follow_layout.addWidget(
            self._table_page(
                self.follow_ups_table,
                "follow_ups",
                self.add_follow_up_button,
                self.remove_follow_up_button,
            )
        )
        follow_layout.addWidget(
            self._table_page(
                self.leaflets_table, "leaflets", self.add_leaflet_button, self.remove_leaflet_button
            )
        )

        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setAccessibleName(_("Notes"))

        contacts_page = QWidget()
        contacts_layout = QVBoxLayout(contacts_page)
        wording = QLabel(_(CONSENT_WORDING))
        wording.setWordWrap(True)
        wording.setStyleSheet("background: palette(alternate-base); padding: 6px;")
        contacts_layout.addWidget(
            QLabel(
                _("Only with the person's consent to this wording ({version}):").format(
                    version=CONSENT_VERSION
                )
            )
        )
        contacts_layout.addWidget(wording)
        contact_form = QFormLayout()
        self.contact_name_edit = QLineEdit()
        self.contact_phone_edit = QLineEdit()
        self.contact_email_edit = QLineEdit()
        self.contact_purpose_edit = QLineEdit()
        self.contact_purpose_edit.setPlaceholderText(
            _("What they may be contacted about; name HQ only if HQ may see the details")
        )
        self.contact_retain_edit = QDateEdit()
        self.contact_retain_edit.setCalendarPopup(True)
        retain = dt.date.today() + dt.timedelta(days=DEFAULT_RETENTION_DAYS)
        self.contact_retain_edit.setDate(QDate(retain.year, retain.month, retain.day))
        self.contact_consent_check = QCheckBox(_("The person agreed to the wording above"))
        contact_form.addRow(_("Name:"), self.contact_name_edit)
        contact_form.addRow(_("Phone:"), self.contact_phone_edit)
        contact_form.addRow(_("E-mail:"), self.contact_email_edit)
        contact_form.addRow(_("Purpose:"), self.contact_purpose_edit)
        contact_form.addRow(_("Delete by:"), self.contact_retain_edit)
        contact_form.addRow(self.contact_consent_check)
        contacts_layout.addLayout(contact_form)
        self.add_contact_button = QPushButton(_("Add contact"))
        self.remove_contact_button = QPushButton(_("Remove contact"))
        self.contacts_table = QTableWidget(0, 4)
        self.contacts_table.setHorizontalHeaderLabels(
            [_("Name"), _("Purpose"), _("Delete by"), _("Goes to HQ")]
        )
        self.contacts_table.horizontalHeader().setStretchLastSection(True)
        self.contacts_table.setColumnWidth(0, 200)
        self.contacts_table.setColumnWidth(1, 340)
        self.contacts_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.contacts_table.setAccessibleName(_("Contacts kept with consent"))
        contacts_layout.addWidget(
            self._table_page(
                self.contacts_table, "contacts", self.add_contact_button, self.remove_contact_button
            ),
            1,
        )

        self.history_view = QPlainTextEdit()
        self.history_view.setReadOnly(True)
        self.history_view.setAccessibleName(_("Edit history"))

        self.tabs = QTabWidget()
        self.tabs.addTab(details, _("Details"))
        self.tabs.addTab(topics_page, _("Strands and audiences"))
        self.tabs.addTab(concerns_page, _("You said, we did"))
        self.tabs.addTab(follow_page, _("Follow-ups and leaflets"))
        self.tabs.addTab(self.notes_edit, _("Notes"))
        self.tabs.addTab(contacts_page, _("Contact (with consent)"))
        self.tabs.addTab(self.history_view, _("History"))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.summary_label = QLabel()
        self.summary_label.setStyleSheet("color: #b00020;")
        self.summary_label.setWordWrap(True)
        self.summary_label.hide()
        layout = QVBoxLayout(self)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.discard_draft_button)
        layout.addLayout(banner_row)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.try_save)

    def _table_page(
        self, table: QTableWidget, field: str, add: QPushButton, remove: QPushButton
    ) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._with_error(table, field), 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    # -- rows of the small tables ------------------------------------------------------
    def add_concern(self, line: ConcernLine | None = None) -> None:
        line = line or ConcernLine("")
        row = self.concerns_table.rowCount()
        self.concerns_table.insertRow(row)
        said = QTableWidgetItem(line.raised)
        said.setData(Qt.ItemDataRole.UserRole, line.id)
        self.concerns_table.setItem(row, 0, said)
        self.concerns_table.setItem(row, 1, QTableWidgetItem(line.action))
        status = QComboBox()
        for value, label in STATUS_LABELS.items():
            status.addItem(_(label), value.value)
        status.setCurrentIndex(max(status.findData(line.status), 0))
        status.currentIndexChanged.connect(self._changed)
        self.concerns_table.setCellWidget(row, 2, status)
        self._changed()

    def add_follow_up(self, line: FollowUpLine | None = None) -> None:
        due = line.due if line else dt.date.today() + dt.timedelta(days=14)
        row = self.follow_ups_table.rowCount()
        self.follow_ups_table.insertRow(row)
        item = QTableWidgetItem(line.description if line else "")
        item.setData(
            Qt.ItemDataRole.UserRole,
            (line.id, line.done_on.isoformat() if line and line.done_on else "")
            if line
            else ("", ""),
        )
        self.follow_ups_table.setItem(row, 0, item)
        date_edit = QDateEdit(QDate(due.year, due.month, due.day))
        date_edit.setCalendarPopup(True)
        date_edit.dateChanged.connect(self._changed)
        self.follow_ups_table.setCellWidget(row, 1, date_edit)
        self._changed()

    def add_leaflets(self, line: LeafletLine | None = None) -> None:
        row = self.leaflets_table.rowCount()
        self.leaflets_table.insertRow(row)
        topic = QComboBox()
        for t in self._library.topics:
            topic.addItem(t.english.title, t.id)
        language = QComboBox()
        for code in self._library.languages:
            from outreach.i18n import native_language_name

            language.addItem(native_language_name(code), code)
        count = QSpinBox()
        count.setRange(1, 10000)
        if line:
            topic.setCurrentIndex(max(topic.findData(line.topic_id), 0))
            language.setCurrentIndex(max(language.findData(line.lang), 0))
            count.setValue(line.count)
        for widget in (topic, language):
            widget.currentIndexChanged.connect(self._changed)
        count.valueChanged.connect(self._changed)
        self.leaflets_table.setCellWidget(row, 0, topic)
        self.leaflets_table.setCellWidget(row, 1, language)
        self.leaflets_table.setCellWidget(row, 2, count)
        self._changed()

    def add_contact(self) -> bool:
        """Add the contact typed in the form, if the person's consent was recorded."""
        if not self.contact_consent_check.isChecked():
            self.show_errors(
                [FieldError("contacts", _("Tick that the person agreed to the wording first."))]
            )
            return False
        contact = ContactLine(
            name=self.contact_name_edit.text().strip(),
            phone=self.contact_phone_edit.text().strip(),
            email=self.contact_email_edit.text().strip(),
            purpose=self.contact_purpose_edit.text().strip(),
            consent_version=CONSENT_VERSION,
            consent_taken_by=self.officer_edit.text().strip() or self._settings.officer_name,
            retain_until=self.contact_retain_edit.date().toPython(),
            consent_at=dt.datetime.now().replace(microsecond=0),
        )
        self._contacts.append(contact)
        for widget in (self.contact_name_edit, self.contact_phone_edit, self.contact_email_edit,
                       self.contact_purpose_edit):  # fmt: skip
            widget.clear()
        self.contact_consent_check.setChecked(False)
        self._show_contacts()
        self._changed()
        return True

    def _show_contacts(self) -> None:
        self.contacts_table.setRowCount(len(self._contacts))
        for row, contact in enumerate(self._contacts):
            self.contacts_table.setItem(row, 0, QTableWidgetItem(contact.name))
            self.contacts_table.setItem(row, 1, QTableWidgetItem(contact.purpose))
            self.contacts_table.setItem(
                row, 2, QTableWidgetItem(format_date(contact.retain_until, "short"))
            )
            # The export's rule, shown where the consent is taken.
            to_hq = consent_covers_hq(contact.purpose)
            self.contacts_table.setItem(row, 3, QTableWidgetItem(_("Yes") if to_hq else _("No")))

    def _remove_contact(self) -> None:
        row = self.contacts_table.currentRow()
        if 0 <= row < len(self._contacts):
            del self._contacts[row]
            self._show_contacts()
            self._changed()

    def _show_history(self) -> None:
        if not self._id:
            self.history_view.setPlainText(_("Saved changes will be listed here."))
            return
        lines = []
        for entry in self._services.engagements.history(self._id):
            changed = ", ".join(sorted(entry.changes)) or "—"
            lines.append(
                f"{format_date(entry.at.date(), 'short')} {entry.at:%H:%M}  {entry.actor}  {entry.action}: {changed}"
            )
        self.history_view.setPlainText("\n".join(lines))

    @staticmethod
    def _remove_current(table: QTableWidget) -> None:
        row = table.currentRow()
        if row < 0:
            row = table.rowCount() - 1
        if row >= 0:
            table.removeRow(row)

    # -- data in and out ----------------------------------------------------------------
    def _defaults(self) -> EngagementData:
        now = dt.datetime.now().replace(second=0, microsecond=0)
        start = now.replace(minute=(now.minute // 15) * 15)
        return EngagementData(
            kind=Kind.STALL,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            district=self._settings.district or self._services.reference.districts[0].id,
            team=self._settings.team,
            officer=self._settings.officer_name,
        )

    def _load(self) -> None:
        data = None
        draft = self._services.drafts.load(self._draft_key)
        if self._id:
            record = self._services.engagements.get(self._id)
            self._version = record.version
            data = record.data
        if draft:
            try:
                data = EngagementData.from_json(draft["data"])
                self.banner.setText(
                    _("Restored changes you had not saved ({when}).").format(
                        when=draft.get("saved", "")
                    )
                )
                self.banner.show()
                self.discard_draft_button.show()
            except (KeyError, TypeError, ValueError):
                self._services.drafts.discard(self._draft_key)
        self.set_data(data or self._defaults())

    def set_data(self, data: EngagementData) -> None:
        loading, self._loading = self._loading, True
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(data.kind), 0))
        self.starts_edit.setDateTime(_qdt(data.starts_at))
        self.ends_edit.setDateTime(_qdt(data.ends_at or data.starts_at))
        self.venue_edit.setText(data.venue)
        self.district_combo.setCurrentIndex(max(self.district_combo.findData(data.district), 0))
        self.team_combo.setCurrentIndex(max(self.team_combo.findData(data.team), 0))
        self.officer_edit.setText(data.officer)
        self.people_spin.setValue(data.people_engaged)
        burglary = data.burglary_date or data.starts_at.date()
        self.burglary_date_edit.setDate(QDate(burglary.year, burglary.month, burglary.day))
        self.doors_knocked_spin.setValue(data.doors_knocked or 0)
        self.doors_answered_spin.setValue(data.doors_answered or 0)
        self.doors_leafleted_spin.setValue(data.doors_leafleted or 0)
        for widget, chosen in (
            (self.strands_list, data.strands),
            (self.audiences_list, data.audiences),
            (self.partners_list, data.partners),
        ):
            for i in range(widget.count()):
                item = widget.item(i)
                state = item.data(Qt.ItemDataRole.UserRole) in chosen
                item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
        for table in (self.concerns_table, self.follow_ups_table, self.leaflets_table):
            table.setRowCount(0)
        for concern in data.concerns:
            self.add_concern(concern)
        for follow_up in data.follow_ups:
            self.add_follow_up(follow_up)
        for leaflet in data.leaflets:
            self.add_leaflets(leaflet)
        self.notes_edit.setPlainText(data.notes)
        self._contacts = list(data.contacts)
        self._show_contacts()
        self._show_history()
        self._loading = loading

    def data(self) -> EngagementData:
        """What the form holds now."""
        kind = self.kind_combo.currentData()
        cocooning = kind == Kind.COCOONING
        concerns = []
        for row in range(self.concerns_table.rowCount()):
            said = self.concerns_table.item(row, 0)
            did = self.concerns_table.item(row, 1)
            status = self.concerns_table.cellWidget(row, 2)
            concerns.append(
                ConcernLine(
                    said.text() if said else "",
                    did.text() if did else "",
                    status.currentData() if status else ConcernStatus.OPEN,
                    (said.data(Qt.ItemDataRole.UserRole) or "") if said else "",
                )
            )
        follow_ups = []
        for row in range(self.follow_ups_table.rowCount()):
            item = self.follow_ups_table.item(row, 0)
            ident, done = (item.data(Qt.ItemDataRole.UserRole) or ("", "")) if item else ("", "")
            due = self.follow_ups_table.cellWidget(row, 1).date().toPython()
            follow_ups.append(
                FollowUpLine(
                    item.text() if item else "",
                    due,
                    dt.date.fromisoformat(done) if done else None,
                    ident,
                )
            )
        leaflets = [
            LeafletLine(
                self.leaflets_table.cellWidget(row, 0).currentData(),
                self.leaflets_table.cellWidget(row, 1).currentData(),
                self.leaflets_table.cellWidget(row, 2).value(),
            )
            for row in range(self.leaflets_table.rowCount())
        ]
        return EngagementData(
            kind=kind,
            starts_at=_to_py(self.starts_edit.dateTime()),
            ends_at=_to_py(self.ends_edit.dateTime()),
            venue=self.venue_edit.text(),
            district=self.district_combo.currentData(),
            team=self.team_combo.currentData() or "",
            officer=self.officer_edit.text(),
            strands=_checked(self.strands_list),
            audiences=_checked(self.audiences_list),
            partners=_checked(self.partners_list),
            people_engaged=self.people_spin.value(),
            leaflets=leaflets,
            concerns=concerns,
            follow_ups=follow_ups,
            contacts=list(getattr(self, "_contacts", [])),
            notes=self.notes_edit.toPlainText(),
            burglary_date=self.burglary_date_edit.date().toPython() if cocooning else None,
            doors_knocked=self.doors_knocked_spin.value() if cocooning else None,
            doors_answered=self.doors_answered_spin.value() if cocooning else None,
            doors_leafleted=self.doors_leafleted_spin.value() if cocooning else None,
        )

    # -- reactions ---------------------------------------------------------------------
    def _connect_signals(self) -> None:
        for widget in (self.kind_combo, self.district_combo, self.team_combo):
            widget.currentIndexChanged.connect(self._changed)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        for widget in (self.starts_edit, self.ends_edit):
            widget.dateTimeChanged.connect(self._changed)
        self.burglary_date_edit.dateChanged.connect(self._changed)
        for widget in (self.venue_edit, self.officer_edit):
            widget.textChanged.connect(self._changed)
        self.notes_edit.textChanged.connect(self._changed)
        for spin in (
            self.people_spin,
            self.doors_knocked_spin,
            self.doors_answered_spin,
            self.doors_leafleted_spin,
        ):
            spin.valueChanged.connect(self._changed)
        for widget in (self.strands_list, self.audiences_list, self.partners_list):
            widget.itemChanged.connect(self._changed)
        for table in (self.concerns_table, self.follow_ups_table):
            table.itemChanged.connect(self._changed)
        self.add_concern_button.clicked.connect(lambda: self.add_concern())
        self.remove_concern_button.clicked.connect(
            lambda: (self._remove_current(self.concerns_table), self._changed())
        )
        self.add_follow_up_button.clicked.connect(lambda: self.add_follow_up())
        self.remove_follow_up_button.clicked.connect(
            lambda: (self._remove_current(self.follow_ups_table), self._changed())
        )
        self.add_leaflet_button.clicked.connect(lambda: self.add_leaflets())
        self.remove_leaflet_button.clicked.connect(
            lambda: (self._remove_current(self.leaflets_table), self._changed())
        )
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        self.discard_draft_button.clicked.connect(self.discard_restored)
        self.add_contact_button.clicked.connect(self.add_contact)
        self.remove_contact_button.clicked.connect(self._remove_contact)

    def _on_kind_changed(self, *_args) -> None:
        self.cocooning_box.setVisible(self.kind_combo.currentData() == Kind.COCOONING)

    def _changed(self, *_args) -> None:
        if not self._loading:
            self._draft_timer.start()

    def save_draft(self) -> None:
        """Write what is typed so far, so a crash or power cut loses nothing."""
        self._draft_timer.stop()
        stamp = f"{format_date(dt.date.today(), 'short')} {dt.datetime.now():%H:%M}"
        self._services.drafts.save(self._draft_key, {"data": self.data().to_json(), "saved": stamp})

    def discard_restored(self) -> None:
        self._services.drafts.discard(self._draft_key)
        self.banner.hide()
        self.discard_draft_button.hide()
        self._loading = True
        self._load()
        self._loading = False

    def show_errors(self, errors) -> None:
        for label in self.error_labels.values():
            label.hide()
        by_field: dict[str, list[str]] = {}
        for error in errors:
            by_field.setdefault(error.field, []).append(error.message)
        for field, messages in by_field.items():
            label = self.error_labels.get(field)
            if label is not None:
                label.setText(" ".join(messages))
                label.show()
        if errors:
            self.summary_label.setText(
                _("Please correct the marked fields: {fields}.").format(
                    fields=", ".join(sorted(by_field))
                )
            )
            self.summary_label.show()
            first = errors[0].field
            for index in range(self.tabs.count()):
                if self.error_labels.get(first) and self.tabs.widget(index).isAncestorOf(
                    self.error_labels[first]
                ):
                    self.tabs.setCurrentIndex(index)
                    break
        else:
            self.summary_label.hide()

    def try_save(self) -> bool:
        """Validate and store; on success the draft is discarded and the dialog closes."""
        data = self.data()
        try:
            if self._id:
                self._services.engagements.update(self._id, data, expected_version=self._version)
            else:
                self._id = self._services.engagements.create(data)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            self.save_draft()
            return False
        except EngagementError as exc:  # e.g. changed elsewhere since it was opened
            self.save_draft()
            QMessageBox.warning(self, _("Not saved"), str(exc))
            return False
        self._draft_timer.stop()
        self._services.drafts.discard(self._draft_key)
        self.show_errors([])
        self.saved.emit(self._id)
        self.accept()
        return True

    def reject(self) -> None:
        self._draft_timer.stop()
        self._services.drafts.discard(self._draft_key)
        super().reject()

    @property
    def engagement_id(self) -> str | None:
        return self._id
