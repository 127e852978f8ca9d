"""Settings: one typed object in a TOML file, written safely, damage reported."""

from __future__ import annotations

import pytest

from outreach.settings import SETTINGS_FILE, Settings, SettingsError, load_settings, save_settings


def test_defaults_when_there_is_no_file(tmp_path):
    assert load_settings(tmp_path) == Settings()


def test_round_trip(tmp_path):
    folder = tmp_path / "settings"
    settings = Settings(ui_language="ar", content_language="ur", officer_name="PC Amir Khan")
    save_settings(folder, settings)
    assert load_settings(folder) == settings
    assert [p.name for p in folder.iterdir()] == [SETTINGS_FILE], "no temp files left behind"


def test_damaged_file_names_file_and_line(tmp_path):
    (tmp_path / SETTINGS_FILE).write_text('version = 1\nui_language = "pl\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"settings.toml, line 2"):
        load_settings(tmp_path)


def test_wrong_type_is_named(tmp_path):
    (tmp_path / SETTINGS_FILE).write_text("ui_language = 5\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="ui_language"):
        load_settings(tmp_path)


def test_unknown_settings_from_a_newer_version_are_ignored(tmp_path):
    (tmp_path / SETTINGS_FILE).write_text('future_thing = true\nteam = "Town Centre Team"\n')
    assert load_settings(tmp_path).team == "Town Centre Team"
