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
