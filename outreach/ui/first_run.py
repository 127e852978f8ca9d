"""The first-run wizard: profile, UI language, passphrase, HQ's public key, a printer check.

Shown once, before the main window, when the settings say the officer has not been
through it. Everything it asks can be changed later in Preferences.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from outreach import APP_NAME
from outreach.firstrun import (
    KeyFileError,
    hq_key_path,
    install_hq_key,
    installed_hq_key_fingerprint,
    passphrase_problem,
    passphrase_strength,
)
from outreach.i18n import _, available_ui_languages, set_ui_language
from outreach.reference import Reference
from outreach.settings import Settings
from outreach.ui.printer_check import PrinterCheck
from outreach.ui.settings_dialog import fill_reference_combo, language_label

PassphraseSetter = Callable[[str], None]


def _wrapping_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _error_style(label: QLabel) -> None:
    label.setStyleSheet("color: #b00020;")


class WelcomePage(QWizardPage):
    """Welcome, and the language of the app (applied at once)."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = _wrapping_label()
        self.language_label = QLabel()
        self.language_combo = QComboBox()
        for code in available_ui_languages():
            self.language_combo.addItem(language_label(code), code)
        self.language_combo.setCurrentIndex(
            max(self.language_combo.findData(settings.ui_language), 0)
        )
        self.language_label.setBuddy(self.language_combo)
        form = QFormLayout()
        form.addRow(self.language_label, self.language_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(12)
        layout.addLayout(form)
        layout.addStretch(1)

    def retranslate_ui(self) -> None:
        self.setTitle(_("Welcome to {app}").format(app=APP_NAME))
        self.setSubTitle(_("A few questions before you start. It takes about two minutes."))
        self.intro.setText(
            _(
                "You will set up your officer profile, a passphrase that protects the "
                "records on this laptop, HQ's public key for exports, and check the printer. "
                "You can change all of it later in Edit → Preferences."
            )
        )
        self.language_label.setText(_("&Language of the app:"))
        self.language_combo.setAccessibleName(_("Language of the app"))


class ProfilePage(QWizardPage):
    """Name, collar number, team and default district."""

    def __init__(
        self, settings: Settings, reference: Reference | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit(settings.officer_name)
        self.collar_edit = QLineEdit(settings.collar_number)
        self.collar_edit.setMaxLength(20)
        self.team_combo = QComboBox()
        self.district_combo = QComboBox()
        self._reference = reference
        fill_reference_combo(self.team_combo, reference.teams if reference else (), settings.team)
        fill_reference_combo(
            self.district_combo, reference.districts if reference else (), settings.district
        )
        self.labels = [QLabel() for _ in range(4)]
        form = QFormLayout(self)
        for label, field in zip(
            self.labels,
            (self.name_edit, self.collar_edit, self.team_combo, self.district_combo),
            strict=True,
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        self.note = _wrapping_label()
        form.addRow(self.note)

    def retranslate_ui(self) -> None:
        self.setTitle(_("Your officer profile"))
        self.setSubTitle(_("Printed on leaflets and recorded with each engagement."))
        texts = [_("Your &name:"), _("&Collar number:"), _("&Team:"), _("Default &district:")]
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.name_edit.setPlaceholderText(_("e.g. PC Sam Taylor"))
        self.collar_edit.setPlaceholderText(_("e.g. 4127"))
        for combo in (self.team_combo, self.district_combo):
            combo.setItemText(0, _("(not set)"))
        if self._reference is None:
            self.note.setText(_("The lists of teams and districts could not be read."))


class PassphrasePage(QWizardPage):
    """The passphrase, typed twice, with a hint on its strength; handed to a callback."""

    def __init__(self, set_passphrase: PassphraseSetter | None, parent: QWidget | None = None):
        super().__init__(parent)
        self._set_passphrase = set_passphrase
        self.first_edit = QLineEdit()
        self.second_edit = QLineEdit()
        for edit in (self.first_edit, self.second_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setEnabled(set_passphrase is not None)
            edit.textChanged.connect(self._update_hint)
        self.first_label = QLabel()
        self.first_label.setBuddy(self.first_edit)
        self.second_label = QLabel()
        self.second_label.setBuddy(self.second_edit)
        self.explain = _wrapping_label()
        self.strength_label = _wrapping_label()
        self.error_label = _wrapping_label()
        _error_style(self.error_label)
        form = QFormLayout()
        form.addRow(self.first_label, self.first_edit)
        form.addRow(self.second_label, self.second_edit)
        form.addRow("", self.strength_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self.passphrase_set = ""  # the passphrase handed to the callback, once it took it

    def retranslate_ui(self) -> None:
        self.setTitle(_("Passphrase"))
        self.setSubTitle(_("It protects the records kept on this laptop."))
        if self._set_passphrase is None:
            self.explain.setText(
                _(
                    "A passphrase already protects the records on this laptop. "
                    "You can change it later in Edit → Preferences."
                )
            )
        else:
            self.explain.setText(
                _(
                    "Choose a passphrase you can remember: three or four unrelated words "
                    "work well. Nobody, not even HQ, can recover the records without it."
                )
            )
        self.first_label.setText(_("&Passphrase:"))
        self.second_label.setText(_("&Again:"))
        self._update_hint()

    def _update_hint(self) -> None:
        self.error_label.clear()
        if self._set_passphrase is None:
            self.strength_label.clear()
            return
        strength = passphrase_strength(self.first_edit.text())
        colours = ("#b00020", "#a05a00", "#2e7d32", "#1b5e20")
        self.strength_label.setStyleSheet(f"color: {colours[strength.score]};")
        self.strength_label.setText(strength.hint)

    def validatePage(self) -> bool:
        if self._set_passphrase is None:
            return True
        problem = passphrase_problem(self.first_edit.text(), self.second_edit.text())
        if problem:
            self.error_label.setText(problem)
            return False
        if self.passphrase_set == self.first_edit.text():
            return True  # back and forward again: already set
        try:
            self._set_passphrase(self.first_edit.text())
        except Exception as exc:  # the security service's own message, shown as it is
            self.error_label.setText(
                _("The passphrase could not be set: {error}").format(error=exc)
            )
            return False
        self.passphrase_set = self.first_edit.text()
        return True


class HqKeyPage(QWizardPage):
    """HQ's public key: chosen from a file, copied into the data folder, fingerprint shown."""

    def __init__(self, data_folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data_folder = data_folder
        self.explain = _wrapping_label()
        self.choose_button = QPushButton()
        self.choose_button.clicked.connect(self._choose)
        self.status_label = _wrapping_label()
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.fingerprint_label.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.fingerprint_label.setFont(font)
        self.error_label = _wrapping_label()
        _error_style(self.error_label)
        row = QHBoxLayout()
        row.addWidget(self.choose_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(row)
        layout.addWidget(self.status_label)
        layout.addWidget(self.fingerprint_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self.fingerprint = installed_hq_key_fingerprint(data_folder)

    def retranslate_ui(self) -> None:
        self.setTitle(_("HQ's public key"))
        self.setSubTitle(_("Exports are locked with it, so that only HQ can read them."))
        self.explain.setText(
            _(
                "IT or HQ gives you a key file (for example on a USB stick). Choose it here; "
                "then read the fingerprint to HQ on the phone: it must match theirs. "
                "You can also do this later in Preferences."
            )
        )
        self.choose_button.setText(_("&Choose the key file…"))
        self._show()

    def _show(self) -> None:
        if self.fingerprint:
            self.status_label.setText(_("HQ's key is installed. Fingerprint to compare with HQ:"))
            self.fingerprint_label.setText(self.fingerprint)
        else:
            self.status_label.setText(_("No key installed yet."))
            self.fingerprint_label.clear()

    def _choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("HQ's public key"))
        if name:
            self.choose_file(Path(name))

    def choose_file(self, path: Path) -> bool:
        """Install ``path`` as HQ's key; on a problem, say it and keep any key installed."""
        try:
            self.fingerprint = install_hq_key(path, self._data_folder)
        except (KeyFileError, OSError) as exc:
            self.error_label.setText(str(exc))
            return False
        self.error_label.clear()
        self._show()
        return True

    @property
    def key_path(self) -> Path:
        return hq_key_path(self._data_folder)


class PrinterPage(QWizardPage):
    """The printers the system offers, the default one, and a test page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = PrinterCheck()
        layout = QVBoxLayout(self)
        layout.addWidget(self.check)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.check.refresh()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Printer"))
        self.setSubTitle(_("Leaflets are printed on the printers this laptop knows."))
        self.check.retranslate_ui()


class FinishPage(QWizardPage):
    """What happens next."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = _wrapping_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def retranslate_ui(self) -> None:
        self.setTitle(_("Ready"))
        self.setSubTitle(_("Outreach opens on the advice library."))
        self.text.setText(
            _(
                "Everything you set here can be changed later in Edit → Preferences. "
                "If something does not work, IT can run “outreach self-test”."
            )
        )


class FirstRunWizard(QWizard):
    """The first-run setup; :meth:`value` gives the settings it filled in."""

    def __init__(
        self,
        settings: Settings,
        data_folder: Path,
        reference: Reference | None,
        set_passphrase: PassphraseSetter | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = dataclasses.replace(settings)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.welcome_page = WelcomePage(settings)
        self.profile_page = ProfilePage(settings, reference)
        self.passphrase_page = PassphrasePage(set_passphrase)
        self.key_page = HqKeyPage(data_folder)
        self.printer_page = PrinterPage()
        self.finish_page = FinishPage()
        self.pages = (
            self.welcome_page,
            self.profile_page,
            self.passphrase_page,
            self.key_page,
            self.printer_page,
            self.finish_page,
        )
        for page in self.pages:
            self.addPage(page)
        self.welcome_page.language_combo.currentIndexChanged.connect(self._language_chosen)
        self.resize(640, 480)
        self.retranslate_ui()

    def _language_chosen(self) -> None:
        set_ui_language(self.welcome_page.language_combo.currentData())
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Set up {app}").format(app=APP_NAME))
        for page in self.pages:
            page.retranslate_ui()

    def value(self) -> Settings:
        """The settings with what the officer entered, marked as set up."""
        settings = self._settings
        settings.ui_language = self.welcome_page.language_combo.currentData()
        settings.officer_name = self.profile_page.name_edit.text().strip()
        settings.collar_number = self.profile_page.collar_edit.text().strip()
        settings.team = self.profile_page.team_combo.currentData() or ""
        settings.district = self.profile_page.district_combo.currentData() or ""
        settings.first_run_done = True
        return settings
