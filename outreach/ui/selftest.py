"""The self-test's window check: the main window opens (offscreen when there is no display)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from outreach.i18n import _
from outreach.settings import Settings, SettingsStore
from outreach.ui.app import build_main_window, create_application


def check_main_window() -> str:
    """Build and show the main window on throw-away settings, then close it."""
    app = create_application()
    with tempfile.TemporaryDirectory(prefix="outreach-selftest-") as folder:
        store = SettingsStore(Path(folder), Settings())
        window = build_main_window(app, store, cache_dir=Path(folder) / "cache")
        try:
            window.show()
            QApplication.processEvents()
            topics = len(window.advice_browser.visible_topic_ids())
            if not window.isVisible() or topics == 0:
                raise RuntimeError(_("The main window did not show the advice library."))
            platform = QApplication.platformName()
        finally:
            window.close()
            window.deleteLater()
            QApplication.processEvents()
    return _("{topics} topics shown (Qt platform {platform})").format(
        topics=topics, platform=platform
    )
