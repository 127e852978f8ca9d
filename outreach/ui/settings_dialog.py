"""Preferences: languages, the contact block printed on leaflets, the lock."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from outreach.advice import AdviceLibrary
from outreach.i18n import _, available_ui_languages, language_label
from outreach.settings import Settings


class SettingsDialog(QDialog):
    """Edit a copy of the settings; the caller saves and applies them."""

    def __init__(
        self,
        settings: Settings,
        library: AdviceLibrary,
        parent: QWidget | None = None,
        on_passphrase: Callable[[], object] | None = None,
    ):
        super().__init__(parent)
        self._settings = dataclasses.replace(settings)
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
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout(self)
        form.addRow(self.ui_label, self.ui_language_combo)
        form.addRow(self.content_label, self.content_language_combo)
        form.addRow(self.leaflet_box)
        form.addRow(self.lock_label, self.lock_minutes)
        form.addRow(self.passphrase_button)
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

    def value(self) -> Settings:
        self._settings.ui_language = self.ui_language_combo.currentData()
        self._settings.content_language = self.content_language_combo.currentData()
        self._settings.officer_name = self.name_edit.text().strip()
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
        on_passphrase: Callable[[], object] | None = None,
    ) -> tuple[Settings, bool]:
        """Show the dialog; returns (edited settings, accepted)."""
        dialog = cls(settings, library, parent, on_passphrase)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.value(), accepted
