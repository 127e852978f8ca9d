"""Start the desktop app."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from outreach import APP_NAME, __version__
from outreach.advice import AdviceLibrary, load_library
from outreach.i18n import _, set_ui_language
from outreach.paths import config_dir, data_dir
from outreach.settings import SettingsError, SettingsStore
from outreach.storage.database import StorageError, open_database
from outreach.ui.language import LanguageNotifier
from outreach.ui.main_window import MainWindow


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("outreach")
    return app


def build_main_window(
    app: QApplication, settings: SettingsStore, library: AdviceLibrary | None = None
) -> MainWindow:
    """Apply the settings' UI language and build the main window."""
    set_ui_language(settings.settings.ui_language)
    notifier = app.findChild(LanguageNotifier) or LanguageNotifier(app)
    return MainWindow(library or load_library(), settings, notifier)


def run_gui(data_dir: str | None = None) -> int:
    """Open the app on the advice browser; returns the exit code."""
    app = create_application()
    try:
        folder = _resolve_data_dir(data_dir)
        settings = SettingsStore(config_dir(folder, explicit_data=data_dir is not None))
        engine = open_database(folder)
    except (SettingsError, StorageError, OSError) as exc:
        QMessageBox.critical(
            None, APP_NAME, _("Outreach cannot start:\n\n{error}").format(error=exc)
        )
        print(f"outreach: {exc}", file=sys.stderr)
        return 1
    window = build_main_window(app, settings)
    window.show()
    code = app.exec()
    engine.dispose()
    return code


def _resolve_data_dir(explicit: str | None) -> Path:
    return data_dir(explicit)
