"""The first-run wizard: each page fills the settings; start-up shows it only once."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QLineEdit

from outreach import i18n
from outreach.exchange.keys import hq_public_of
from outreach.firstrun import hq_key_path, readable
from outreach.reference import shipped_reference
from outreach.settings import Settings, SettingsStore, load_settings
from outreach.storage.crypto import is_encrypted
from outreach.storage.database import database_key
from outreach.ui import app as app_module
from outreach.ui.first_run import FirstRunWizard
from outreach.ui.settings_dialog import SettingsDialog

HQ = hq_public_of(X25519PrivateKey.generate())
KEY = HQ.to_bytes()  # the file 'outreach hq init' writes


@pytest.fixture
def wizard(qtbot, tmp_path):
    given: list[str] = []
    wizard = FirstRunWizard(Settings(), tmp_path / "data", shipped_reference(), given.append)
    wizard.given = given
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_profile_and_language_fill_the_settings(wizard):
    reference = shipped_reference()
    profile = wizard.profile_page
    profile.name_edit.setText("  PC Sam Taylor ")
    profile.collar_edit.setText("4127")
    profile.team_combo.setCurrentIndex(profile.team_combo.findData(reference.teams[1].id))
    profile.district_combo.setCurrentIndex(
        profile.district_combo.findData(reference.districts[2].id)
    )
    wizard.welcome_page.language_combo.setCurrentIndex(
        wizard.welcome_page.language_combo.findData("pl")
    )
    assert i18n.ui_language() == "pl"
    assert wizard.windowTitle() == i18n._("Set up {app}").format(app="Outreach")
    value = wizard.value()
    assert value.officer_name == "PC Sam Taylor"
    assert value.collar_number == "4127"
    assert value.team == reference.teams[1].id
    assert value.district == reference.districts[2].id
    assert value.ui_language == "pl"
    assert value.first_run_done is True


def test_an_unset_team_and_district_stay_empty(wizard):
    value = wizard.value()
    assert (value.team, value.district, value.officer_name) == ("", "", "")


def test_mismatched_passphrases_are_refused(wizard):
    page = wizard.passphrase_page
    page.first_edit.setText("correct horse battery staple")
    page.second_edit.setText("correct horse battery stable")
    assert page.validatePage() is False
    assert "not the same" in page.error_label.text()
    assert wizard.given == []
    page.second_edit.setText("short")
    page.first_edit.setText("short")
    assert page.validatePage() is False
    assert wizard.given == []


def test_a_good_passphrase_goes_to_the_callback_with_a_strength_hint(wizard):
    page = wizard.passphrase_page
    page.first_edit.setText("lampshadex")
    weak = page.strength_label.text()
    page.first_edit.setText("correct horse battery staple")
    assert page.strength_label.text() != weak
    page.second_edit.setText("correct horse battery staple")
    assert page.validatePage() is True
    assert wizard.given == ["correct horse battery staple"]


def test_with_a_passphrase_already_set_the_page_says_so_and_asks_nothing(qtbot, tmp_path):
    wizard = FirstRunWizard(Settings(), tmp_path, None, None)
    qtbot.addWidget(wizard)
    page = wizard.passphrase_page
    assert not page.first_edit.isEnabled() and not page.second_edit.isEnabled()
    assert "already" in page.explain.text() and "Preferences" in page.explain.text()
    assert page.validatePage() is True
    assert wizard.profile_page.team_combo.count() == 1, "no reference lists: only (not set)"


def test_hq_key_is_copied_and_its_fingerprint_shown(wizard, tmp_path):
    source = tmp_path / "hq.pub"
    source.write_bytes(KEY)
    page = wizard.key_page
    assert "No key" in page.status_label.text()
    assert page.choose_file(source) is True
    assert hq_key_path(tmp_path / "data").read_bytes() == KEY
    assert page.fingerprint_label.text() == readable(HQ.fingerprint)
    empty = tmp_path / "empty.pub"
    empty.write_bytes(b"")
    assert page.choose_file(empty) is False
    assert "empty" in page.error_label.text()
    assert page.fingerprint_label.text() == readable(HQ.fingerprint), "the installed key is kept"
    assert hq_key_path(tmp_path / "data").read_bytes() == KEY


@pytest.fixture(params=["wizard", "preferences"])
def printer_check(request, qtbot, tmp_path, ui_library):
    """The printer check where the officer meets it: the wizard's page, then Preferences."""
    if request.param == "wizard":
        page = request.getfixturevalue("wizard").printer_page
        page.initializePage()
        return page.check
    dialog = SettingsDialog(Settings(), ui_library, data_folder=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.printer_check.printer_list.count() == 0, "the print system is asked on show"
    dialog.show()
    request.node.keep_alive = dialog  # the check lives as long as its dialog
    assert "&" not in dialog.printer_check.print_button.text(), "Alt+P is the phone's"
    return dialog.printer_check


def test_printer_check_lists_the_system_printers_and_prints_a_test_page(printer_check, tmp_path):
    check = printer_check
    names = [p.printerName() for p in QPrinterInfo.availablePrinters()]
    listed = [check.printer_list.item(i).text() for i in range(check.printer_list.count())]
    assert len(listed) == len(names)
    assert all(any(text.startswith(n) for text in listed) for n in names)
    assert check.print_button.isEnabled() == bool(names)
    if not names:
        assert "No printer" in check.result_label.text()
        assert not os.environ.get("OUTREACH_REQUIRE_PRINTER"), "CI sets up a print queue"
        return
    out = tmp_path / "test-page.pdf"

    def pdf_printer(_info):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    check.make_printer = pdf_printer
    check.print_button.click()
    assert check.pages_printed == 1
    assert out.read_bytes().startswith(b"%PDF")
    assert check.selected_printer().printerName() in check.result_label.text()


def test_first_run_is_shown_once_and_saved(qtbot, tmp_path, monkeypatch):
    monkeypatch.delenv(app_module.NO_FIRST_RUN_ENV, raising=False)
    monkeypatch.delenv("OUTREACH_CONFIG_DIR")  # settings inside the --data-dir folder
    shown = []

    def finish(self):
        shown.append(self)
        self.profile_page.collar_edit.setText("981")
        return 1

    monkeypatch.setattr(FirstRunWizard, "exec", finish)
    app_module.run_first_run(str(tmp_path))
    assert len(shown) == 1
    saved = load_settings(tmp_path)
    assert saved.first_run_done and saved.collar_number == "981"
    app_module.run_first_run(str(tmp_path))
    assert len(shown) == 1, "not shown again"


def test_the_wizard_s_passphrase_encrypts_the_records_and_the_app_opens_unlocked(
    qtbot, tmp_path, monkeypatch
):
    monkeypatch.delenv(app_module.NO_FIRST_RUN_ENV, raising=False)
    monkeypatch.delenv("OUTREACH_CONFIG_DIR")  # settings inside the --data-dir folder
    passphrase = "correct horse battery staple"

    def finish(self):
        page = self.passphrase_page
        page.first_edit.setText("an earlier idea, then Back")
        page.second_edit.setText("an earlier idea, then Back")
        assert page.validatePage()
        page.first_edit.setText(passphrase)
        page.second_edit.setText(passphrase)
        assert page.validatePage(), page.error_label.text()
        assert page.validatePage(), "forward again with the same passphrase"
        return 1

    monkeypatch.setattr(FirstRunWizard, "exec", finish)
    given = app_module.run_first_run(str(tmp_path))
    assert given == passphrase
    assert is_encrypted(tmp_path / "outreach.db")
    assert database_key(tmp_path, passphrase=passphrase) is not None
    _app, window, opener = app_module.start(str(tmp_path), passphrase)
    qtbot.addWidget(window)
    try:
        assert not window.locked and window.records is not None
    finally:
        window.records.close()
        opener.wait()
    _app, window, opener = app_module.start(str(tmp_path))
    qtbot.addWidget(window)
    assert window.locked and window.records is None, "a later start asks for it"
    monkeypatch.setattr(
        FirstRunWizard, "exec", lambda self: pytest.fail("shown after it was finished")
    )
    assert app_module.run_first_run(str(tmp_path)) is None


def test_cancelled_first_run_saves_nothing_and_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.delenv(app_module.NO_FIRST_RUN_ENV, raising=False)
    monkeypatch.delenv("OUTREACH_CONFIG_DIR")  # settings inside the --data-dir folder
    monkeypatch.setattr(FirstRunWizard, "exec", lambda self: 0)
    app_module.run_first_run(str(tmp_path))
    assert not (tmp_path / "settings.toml").exists()
    monkeypatch.setenv(app_module.NO_FIRST_RUN_ENV, "1")
    monkeypatch.setattr(FirstRunWizard, "exec", lambda self: pytest.fail("shown"))
    app_module.run_first_run(str(tmp_path))


def test_everything_the_wizard_asks_is_in_preferences(qtbot, ui_library, tmp_path):
    reference = shipped_reference()
    settings = Settings(collar_number="12", team=reference.teams[0].id, district="gone")
    dialog = SettingsDialog(settings, ui_library, data_folder=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.collar_edit.text() == "12"
    assert dialog.team_combo.currentData() == reference.teams[0].id
    assert dialog.district_combo.currentData() == "gone", "an old id is kept, not lost"
    dialog.collar_edit.setText("4127")
    dialog.district_combo.setCurrentIndex(dialog.district_combo.findData(reference.districts[1].id))
    source = tmp_path / "hq.pub"
    source.write_bytes(KEY)
    assert dialog.install_key(source)
    assert readable(HQ.fingerprint) in dialog.key_value.text()
    value = dialog.value()
    assert (value.collar_number, value.district) == ("4127", reference.districts[1].id)
    assert dialog.findChildren(QLineEdit)
    store = SettingsStore(tmp_path / "cfg", Settings())
    store.save(value)
    assert load_settings(tmp_path / "cfg").collar_number == "4127"
