"""Save screenshots of the main screens (offscreen) for review: python scripts/screenshots.py OUT."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from outreach.settings import Settings, SettingsStore
from outreach.ui.app import build_main_window, create_application


def shoot(out: Path, ui: str, content: str, topic: str, name: str) -> None:
    app = create_application()
    store = SettingsStore(
        Path(tempfile.mkdtemp()), Settings(ui_language=ui, content_language=content)
    )
    window = build_main_window(app, store)
    window.resize(1280, 800)
    window.show()
    window.advice_browser.topic_view.set_content_language(content)
    window.advice_browser.show_topic(topic)
    QApplication.processEvents()
    window.grab().save(str(out / f"{name}.png"))
    window.close()
    window.deleteLater()
    QApplication.processEvents()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    shoot(out, "en", "en", "doorstep-crime", "advice-en")
    for lang in ("pl", "ar", "ur", "bn", "pa_Guru"):
        shoot(out, "en", lang, "doorstep-crime", f"advice-content-{lang}")
    shoot(out, "ar", "ar", "doorstep-crime", "advice-ui-ar")
    shoot(out, "pl", "pl", "doorstep-crime", "advice-ui-pl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
