"""Widgets under test: a main window on a private content copy, message boxes patched."""

from __future__ import annotations

import gc
import shutil

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from outreach.advice import load_library
from outreach.paths import resources_dir
from outreach.settings import Settings, SettingsStore
from outreach.ui.app import build_main_window
from tests.helpers import translation


@pytest.fixture(autouse=True)
def garbage_between_events(qapp):
    """As in the app: no automatic collection while widgets live, which could start
    inside a Qt destructor and hang (outreach/ui/garbage.py). The app's collector runs
    between events; what is left goes at the end of the test, with nothing of Qt's on the
    stack (this fixture's teardown runs after qtbot's)."""
    from outreach import collection
    from outreach.ui import garbage

    garbage.install(qapp)
    collection.set_automatic(False)
    yield
    gc.collect()
    collection.set_automatic(True)


@pytest.fixture(autouse=True)
def no_message_boxes(monkeypatch):
    """A test never blocks on a modal message box; it records what would be shown."""
    shown: list[tuple[str, str]] = []
    for name in ("about", "critical", "warning", "information"):
        monkeypatch.setattr(
            QMessageBox, name, staticmethod(lambda *a, _n=name: shown.append((_n, a[2])))
        )
    return shown


@pytest.fixture(scope="session")
def ui_library(tmp_path_factory):
    """Shipped content plus a known Polish draft, a stale Arabic and no Lithuanian text.

    Shared by the UI tests, which only read it.
    """
    content = tmp_path_factory.mktemp("ui-content") / "resources"
    shutil.copytree(resources_dir(), content)
    (content / "advice/topics/burglary-robbery/doorstep-crime.lt.md").unlink(missing_ok=True)
    translation(
        content, "doorstep-crime", "pl", title="Oszuści przy drzwiach", summary="Uważaj na obcych."
    )
    translation(
        content,
        "doorstep-crime",
        "ar",
        title="الاحتيال عند الباب",
        summary="انتبه.",
        source_hash="0" * 12,
    )
    return load_library(content)


@pytest.fixture
def window(qtbot, ui_library, tmp_path):
    store = SettingsStore(tmp_path / "settings", Settings())
    main = build_main_window(QApplication.instance(), store, ui_library)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.started)  # shortcuts are set once it has shown
    return main
