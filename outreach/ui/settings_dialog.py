"""Preferences: languages, the officer profile, HQ's key, the leaflet contact block and
the lock.

Everything the first-run wizard asks can be changed here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from outreach.advice import AdviceLibrary
from outreach.firstrun import KeyFileError, install_hq_key, installed_hq_key_fingerprint
from outreach.i18n import _, available_ui_languages, language_label
from outreach.reference import Item, Reference, ReferenceListError, shipped_reference
from outreach.settings import Settings


def fill_reference_combo(combo: QComboBox, items: Iterable[Item], current: str) -> None:
    """A "(not set)" entry, then the reference list; ``current`` (an id) selected.

    An id no longer in the list is kept as an entry of its own, so saving does not lose it.
    """
    combo.addItem(_("(not set)"), "")
    for item in items:
        combo.addItem(item.name, item.id)
    if current and combo.findData(current) < 0:
        combo.addItem(current, current)
    combo.setCurrentIndex(max(combo.findData(current), 0))


def _reference_or_none() -> Reference | None:
    try:
        return shipped_reference()
    except ReferenceListError:
        return None


class SettingsDialog(QDialog):
    """Edit a copy of the settings; the caller saves and applies them."""

    def __init__(
        self,
        settings: Settings,
        library: AdviceLibrary,
        parent: QWidget | None = None,
        *,
        on_passphrase: Callable[[], object] | None = None,
        data_folder: Path | None = None,
        reference: Reference | None = None,
    ):
        super().__init__(parent)
        self._settings = dataclasses.replace(settings)
        self._data_folder = data_folder
        reference = reference or _reference_or_none()
        self.collar_edit = QLineEdit(settings.collar_number)
        self.collar_edit.setMaxLength(20)
        self.team_combo = QComboBox()
        fill_reference_combo(self.team_combo, reference.teams if reference else (), settings.team)
        self.district_combo = QComboBox()
        fill_reference_combo(
            self.district_combo, reference.districts if reference else (), settings.district
        )
        self.officer_box = QGroupBox()
        officer_form = QFormLayout(self.officer_box)
        self.officer_labels = []
        for field in (self.collar_edit, self.team_combo, self.district_combo):
            label = QLabel()
            label.setBuddy(field)
            self.officer_labels.append(label)
            officer_form.addRow(label, field)
        self.key_label = QLabel()
        self.key_value = QLabel()
        self.key_button = QPushButton()
        self.key_button.clicked.connect(self._choose_key)
        self.key_error = QLabel()
        self.key_error.setWordWrap(True)
        self.key_error.setStyleSheet("color: #b00020;")
        self.key_error.hide()  # shown with a message only
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_value, 1)
        key_row.addWidget(self.key_button)
        if data_folder is not None:
            officer_form.addRow(self.key_label, key_row)
            officer_form.addRow(self.key_error)
        else:
            for widget in (self.key_label, self.key_value, self.key_button, self.key_error):
                widget.hide()
        self.ui_language_combo = QComboBox()
        for code in available_ui_languages():
            self.ui_language_combo.addItem(language_label(code), code)
        self.ui_language_combo.setCurrentIndex(
            max(self.ui_language_combo.findData(settings.ui_language), 0)
        )
        self.content_language_combo = QComboBox()
        for code in library.languages:
            self.content_language_combo.addItem(language_label(code), code)
        self.content_language_combo.setCurrentIndex(
            max(self.content_language_combo.findData(settings.content_language), 0)
        )
        self.ui_label = QLabel()
        self.ui_label.setBuddy(self.ui_language_combo)
        self.content_label = QLabel()
        self.content_label.setBuddy(self.content_language_combo)
        self.name_edit = QLineEdit(settings.officer_name)
        self.phone_edit = QLineEdit(settings.officer_phone)
        self.email_edit = QLineEdit(settings.officer_email)
        self.qr_edit = QLineEdit(settings.leaflet_qr_url)
        self.leaflet_box = QGroupBox()
        leaflet_form = QFormLayout(self.leaflet_box)
        self.leaflet_labels = []
        for edit in (
            self.name_edit,
            self.phone_edit,
            self.email_edit,
            self.qr_edit,
        ):
            label = QLabel()
            label.setBuddy(edit)
            self.leaflet_labels.append(label)
            leaflet_form.addRow(label, edit)
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(1, 240)
        self.lock_minutes.setValue(settings.lock_after_minutes)
        self.lock_label = QLabel()
        self.lock_label.setBuddy(self.lock_minutes)
        self.passphrase_button = QPushButton()
        self.passphrase_button.setVisible(on_passphrase is not None)
        if on_passphrase is not None:
            # Keep what was chosen here, then ask for the passphrase once this dialog is gone.
            self.passphrase_button.clicked.connect(self.accept)
            self.passphrase_button.clicked.connect(lambda: QTimer.singleShot(0, on_passphrase))
        # The first-run wizard's printer check, to repeat when a printer is added or replaced.
        # Imported here: Qt's print support is not needed before the first paint.
        from outreach.ui.printer_check import PrinterCheck

        self.printer_box = QGroupBox()
        # Alt+P belongs to the phone number here.
        self.printer_check = PrinterCheck(list_height=80, accelerator=False)
        QVBoxLayout(self.printer_box).addWidget(self.printer_check)
        self._printers_listed = False
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout(self)
        form.addRow(self.ui_label, self.ui_language_combo)
        form.addRow(self.content_label, self.content_language_combo)
        form.addRow(self.officer_box)
        form.addRow(self.leaflet_box)
        form.addRow(self.lock_label, self.lock_minutes)
        form.addRow(self.passphrase_button)
        form.addRow(self.printer_box)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Preferences"))
        self.ui_label.setText(_("&Language of the app:"))
        self.ui_language_combo.setAccessibleName(_("Language of the app"))
        self.content_label.setText(_("Default &content language:"))
        self.content_language_combo.setAccessibleName(_("Default content language"))
        self.leaflet_box.setTitle(_("On printed leaflets"))
        texts = [_("Your &name:"), _("&Phone:"), _("&Email:"), _("&QR code address:")]
        for label, text in zip(self.leaflet_labels, texts, strict=True):
            label.setText(text)
        self.qr_edit.setPlaceholderText(_("Empty: the force's online reporting page"))
        self.lock_label.setText(_("&Lock after idle time:"))
        self.lock_minutes.setSuffix(_(" min"))
        self.lock_minutes.setAccessibleName(_("Lock after this many idle minutes"))
        self.passphrase_button.setText(_("Set or change the &passphrase…"))
        self.officer_box.setTitle(_("Your profile"))
        self.printer_box.setTitle(_("Printer"))
        self.printer_check.retranslate_ui()
        texts = [_("C&ollar number:"), _("&Team:"), _("Default &district:")]
        for label, text in zip(self.officer_labels, texts, strict=True):
            label.setText(text)
        for combo in (self.team_combo, self.district_combo):
            combo.setItemText(0, _("(not set)"))
        self.key_label.setText(_("HQ's public key:"))
        self.key_button.setText(_("C&hoose file…"))
        self._show_key()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._printers_listed:  # asked of the print system once, when first shown
            self._printers_listed = True
            self.printer_check.refresh()

    def _show_key(self) -> None:
        found = installed_hq_key_fingerprint(self._data_folder) if self._data_folder else None
        self.key_value.setText(
            _("fingerprint {fingerprint}").format(fingerprint=found) if found else _("none yet")
        )

    def _choose_key(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("HQ's public key"))
        if name:
            self.install_key(Path(name))

    def install_key(self, path: Path) -> bool:
        """Install ``path`` as HQ's key at once; a bad file is named and nothing replaced."""
        if self._data_folder is None:
            return False
        try:
            install_hq_key(path, self._data_folder)
        except (KeyFileError, OSError) as exc:
            self.key_error.setText(str(exc))
            self.key_error.show()
            return False
        self.key_error.clear()
        self.key_error.hide()
        self._show_key()
        return True

    def value(self) -> Settings:
        self._settings.ui_language = self.ui_language_combo.currentData()
        self._settings.content_language = self.content_language_combo.currentData()
        self._settings.officer_name = self.name_edit.text().strip()
        self._settings.collar_number = self.collar_edit.text().strip()
        self._settings.team = self.team_combo.currentData() or ""
        self._settings.district = self.district_combo.currentData() or ""
        self._settings.officer_phone = self.phone_edit.text().strip()
        self._settings.officer_email = self.email_edit.text().strip()
        self._settings.leaflet_qr_url = self.qr_edit.text().strip()
        self._settings.lock_after_minutes = self.lock_minutes.value()
        return self._settings

    @classmethod
    def edit(
        cls,
        settings: Settings,
        library: AdviceLibrary,
        parent: QWidget | None = None,
        data_folder: Path | None = None,
        on_passphrase: Callable[[], object] | None = None,
    ) -> tuple[Settings, bool]:
        """Show the dialog; returns (edited settings, accepted)."""
        dialog = cls(
            settings, library, parent, on_passphrase=on_passphrase, data_folder=data_folder
        )
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.value(), accepted
