"""Every window opens in every UI language, with its texts translated."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from outreach import i18n
from outreach.settings import Settings
from outreach.ui.settings_dialog import SettingsDialog


@pytest.mark.parametrize("code", i18n.available_ui_languages())
def test_main_window_and_dialogs_open_in_each_language(window, qtbot, ui_library, code):
    window.apply_settings(Settings(ui_language=code))
    assert i18n.ui_language() == code
    window.grab()
    labels = [w.text() for w in window.findChildren(QLabel) if w.text()]
    assert labels, "labels have text"
    dialog = SettingsDialog(Settings(ui_language=code), ui_library, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == i18n._("Preferences")
    if code != "en":
        assert dialog.windowTitle() != "Preferences"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok) is not None
    expected = i18n.is_rtl(code)
    assert (QApplication.layoutDirection().name == "RightToLeft") == expected


def test_settings_dialog_returns_the_choice(window, qtbot, ui_library, monkeypatch):
    dialog = SettingsDialog(Settings(), ui_library, window)
    qtbot.addWidget(dialog)
    dialog.ui_language_combo.setCurrentIndex(dialog.ui_language_combo.findData("pl"))
    dialog.content_language_combo.setCurrentIndex(dialog.content_language_combo.findData("bn"))
    value = dialog.value()
    assert (value.ui_language, value.content_language) == ("pl", "bn")
    monkeypatch.setattr(SettingsDialog, "exec", lambda self: SettingsDialog.DialogCode.Accepted)
    window.open_preferences()
    assert i18n.ui_language() == "en"


@pytest.mark.parametrize("code", i18n.available_ui_languages())
def test_record_screens_open_in_each_language(qtbot, tmp_path, ui_library, code):
    from outreach.engagements.model import Kind
    from outreach.services import record_services
    from outreach.settings import SettingsStore
    from outreach.storage.database import open_database
    from outreach.ui.engagement_editor import EngagementEditor
    from outreach.ui.engagement_log import EngagementLog, FollowUpsPanel, StallMode
    from outreach.ui.leaflet_dialog import LeafletDialog
    from outreach.ui.survey_dialog import SurveyDialog
    from tests.engagements.conftest import stall

    i18n.set_ui_language(code)
    records = record_services(open_database(tmp_path), ui_library, Settings())
    try:
        visit = records.engagements.create(stall(kind=Kind.PREMISES_VISIT, venue="Corner Shop"))
        widgets = [
            EngagementLog(records, ui_library, SettingsStore(tmp_path / "s", Settings())),
            FollowUpsPanel(records),
            EngagementEditor(records, ui_library, Settings(), visit),
            StallMode(records, ui_library, visit),
            SurveyDialog(records, ui_library, visit),
            LeafletDialog(
                ui_library, SettingsStore(tmp_path / "s", Settings()), ["doorstep-crime"],
                "en", records, visit,
            ),
        ]  # fmt: skip
        for widget in widgets:
            qtbot.addWidget(widget)
            widget.show()
            widget.grab()
        editor = widgets[2]
        assert editor.windowTitle() == i18n._("Edit engagement")
        if code != "en":
            assert editor.windowTitle() != "Edit engagement"
            assert widgets[0].new_button.text() != "&New engagement"
            assert widgets[-1].windowTitle() not in ("", "Leaflet")
    finally:
        records.close()


@pytest.mark.parametrize("code", i18n.available_ui_languages())
def test_set_up_security_and_hq_windows_open_in_each_language(qtbot, tmp_path, ui_library, code):
    from outreach.exchange.export import ExportService
    from outreach.reference import shipped_reference
    from outreach.storage.database import open_database
    from outreach.ui.export_dialog import ExportDialog
    from outreach.ui.first_run import FirstRunWizard
    from outreach.ui.hq_view import HqView
    from outreach.ui.lock import ExitPublicModeDialog, LockPage, PassphraseDialog
    from outreach.ui.public_mode import PublicModeWindow

    i18n.set_ui_language(code)
    engine = open_database(tmp_path)
    try:
        wizard = FirstRunWizard(
            Settings(ui_language=code), tmp_path, shipped_reference(), lambda _p: None
        )
        lock_page = LockPage()
        lock_page.retranslate_ui()
        windows = {
            "Set up Outreach": wizard,
            "Export to HQ": ExportDialog(ExportService(engine, tmp_path, "PC Test"), tmp_path),
            "Outreach HQ: merge bundles and dashboard": HqView(tmp_path),
            "Outreach — public advice": PublicModeWindow(ui_library, Settings(ui_language=code)),
            "Passphrase": PassphraseDialog(has_passphrase=True),
            "Leave public mode": ExitPublicModeDialog(),
        }
        for english, widget in windows.items():
            qtbot.addWidget(widget)
            widget.show()
            widget.grab()
            assert widget.windowTitle(), english
            if code != "en":
                assert widget.windowTitle() != english, f"{english!r} is not translated"
        for page in wizard.pages:
            assert page.title(), "every wizard page has a title"
            if code != "en":
                assert page.title() not in ("Passphrase", "Printer", "HQ's public key")
        texts = [w.text() for w in lock_page.findChildren(QLabel) if w.text().strip()]
        assert texts, "the lock page has text"
    finally:
        engine.dispose()
        i18n.set_ui_language("en")
