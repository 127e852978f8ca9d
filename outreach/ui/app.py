"""Start the desktop app."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from outreach import APP_NAME, __version__
from outreach.advice import AdviceLibrary, load_library
from outreach.i18n import _, set_ui_language
from outreach.paths import config_dir, data_dir
from outreach.settings import SettingsError, SettingsStore
from outreach.ui.language import LanguageNotifier
from outreach.ui.main_window import MainWindow

if TYPE_CHECKING:
    from sqlalchemy import Engine

CACHE_FOLDER = "cache"
RECORDS_DELAY_MS = 150
# Set to 1 to skip the first-run wizard (tests, scripted installs).
NO_FIRST_RUN_ENV = "OUTREACH_NO_FIRST_RUN"
# Set to 1 to print the time once the main window is shown, then quit (bench/).
STARTUP_PROBE_ENV = "OUTREACH_STARTUP_PROBE"


class DatabaseOpener(QObject):
    """Opens (and if needed migrates) the database on a worker thread.

    SQLAlchemy and Alembic take longer to import than the whole window takes to
    appear, and the advice library does not need them, so the window comes first.
    """

    opened = Signal(object)
    failed = Signal(str)

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = folder
        self.engine: Engine | None = None
        self._thread = threading.Thread(target=self._run, name="open-database", daemon=True)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def wait(self, timeout: float | None = None) -> Engine | None:
        """Block until the database is open (for shutdown, tests and scripts)."""
        if not self._thread.is_alive() and self.engine is None and not self._started:
            self.start()  # not started yet (it waits for the first paint): start now
        self._thread.join(timeout)
        return self.engine

    def _run(self) -> None:
        try:
            from outreach.storage.database import open_database

            self.engine = open_database(self._folder)
        except Exception as exc:  # reported to the officer; the advice still works
            self.failed.emit(str(exc))
            return
        self.opened.emit(self.engine)


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
    app: QApplication,
    settings: SettingsStore,
    library: AdviceLibrary | None = None,
    cache_dir: Path | None = None,
) -> MainWindow:
    """Apply the settings' UI language and build the main window."""
    set_ui_language(settings.settings.ui_language)
    notifier = app.findChild(LanguageNotifier) or LanguageNotifier(app)
    return MainWindow(library or load_library(cache_dir=cache_dir), settings, notifier)


def start(data_dir_arg: str | None = None) -> tuple[QApplication, MainWindow, DatabaseOpener]:
    """Everything up to a shown main window (the path ``bench/`` times).

    Raises :class:`SettingsError` or :class:`OSError`, with a message for the officer,
    when the settings or the data folder cannot be used.
    """
    app = create_application()
    folder = data_dir(data_dir_arg)
    settings = SettingsStore(config_dir(folder, explicit_data=data_dir_arg is not None))
    window = build_main_window(app, settings, cache_dir=folder / CACHE_FOLDER)
    window.data_folder = folder
    window.show()
    opener = DatabaseOpener(folder, window)
    opener.failed.connect(window.show_storage_error)
    opener.opened.connect(lambda engine: _attach_records(window, engine, settings))
    # Let the window paint first: importing SQLAlchemy on the worker holds the GIL.
    QTimer.singleShot(RECORDS_DELAY_MS, opener.start)
    return app, window, opener


def _attach_records(window: MainWindow, engine: Engine, settings: SettingsStore) -> None:
    from outreach.engagements.survey import ChecklistError
    from outreach.reference import ReferenceListError
    from outreach.services import record_services

    try:
        records = record_services(engine, window.advice_browser.library, settings.settings)
    except (ChecklistError, ReferenceListError) as exc:
        # A damaged data file HQ edits: say which; the advice library keeps working.
        window.show_storage_error(str(exc))
        return
    records.engagements.purge_expired_contacts()
    window.attach_records(records)


def run_first_run(data_dir_arg: str | None = None) -> None:
    """Show the first-run wizard when the officer has not been through it yet.

    Finishing saves what was entered; cancelling saves nothing, so it is asked again.
    """
    if os.environ.get(NO_FIRST_RUN_ENV) == "1":
        return
    folder = data_dir(data_dir_arg)
    store = SettingsStore(config_dir(folder, explicit_data=data_dir_arg is not None))
    if store.settings.first_run_done:
        return
    from outreach.reference import ReferenceListError, shipped_reference
    from outreach.ui.first_run import FirstRunWizard

    app = create_application()
    app.findChild(LanguageNotifier) or LanguageNotifier(app)
    try:
        reference = shipped_reference()
    except ReferenceListError:
        reference = None
    wizard = FirstRunWizard(store.settings, folder, reference)
    if wizard.exec():
        store.save(wizard.value())
    else:
        set_ui_language(store.settings.ui_language)


def run_gui(data_dir_arg: str | None = None) -> int:
    """Open the app on the advice browser; returns the exit code."""
    probe = os.environ.get(STARTUP_PROBE_ENV) == "1"
    try:
        if not probe:
            run_first_run(data_dir_arg)
        app, _window, opener = start(data_dir_arg)
    except (SettingsError, OSError) as exc:
        create_application()
        message = _("Outreach cannot start:\n\n{error}").format(error=exc)
        QMessageBox.critical(None, APP_NAME, message)
        print(f"outreach: {exc}", file=sys.stderr)
        return 1
    if probe:
        app.processEvents()
        print(time.time(), flush=True)
        code = 0
    else:
        code = app.exec()
    engine = opener.wait()
    if engine is not None:
        engine.dispose()
    return code
