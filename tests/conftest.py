"""Test harness: offscreen Qt, and data, settings and content kept in temp folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from outreach import i18n
from outreach.advice import AdviceLibrary, load_library
from outreach.paths import resources_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every test gets its own data and settings folders, and ends in English."""
    data = tmp_path / "data"
    config = tmp_path / "config"
    data.mkdir()
    config.mkdir()
    monkeypatch.setenv("OUTREACH_DATA_DIR", str(data))
    monkeypatch.setenv("OUTREACH_CONFIG_DIR", str(config))
    monkeypatch.delenv("OUTREACH_CONTENT_DIR", raising=False)
    # The first-run wizard would wait for an officer; tests that want it unset this.
    monkeypatch.setenv("OUTREACH_NO_FIRST_RUN", "1")
    yield
    i18n.set_ui_language("en")


@pytest.fixture(scope="session")
def library() -> AdviceLibrary:
    """The shipped advice library (read-only)."""
    return load_library()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of the shipped content that a test may change."""
    target = tmp_path / "resources"
    shutil.copytree(resources_dir(), target)
    return target


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
