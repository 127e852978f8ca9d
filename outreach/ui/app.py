"""Start the desktop app."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from outreach import APP_NAME, __version__, collection
from outreach.advice import AdviceLibrary, load_library
from outreach.i18n import _, set_ui_language
from outreach.paths import config_dir, data_dir
from outreach.settings import SettingsError, SettingsStore
from outreach.storage import DB_FILE
from outreach.storage.keyfiles import is_encrypted
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
    damaged = Signal(object)

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

    def disable(self) -> None:
        """Never open the database here (it is encrypted: the lock page opens it)."""
        self._started = True
        self._disabled = True

    def wait(self, timeout: float | None = None) -> Engine | None:
        """Block until the database is open (for shutdown, tests and scripts)."""
        if getattr(self, "_disabled", False):
            return None
        if not self._thread.is_alive() and self.engine is None and not self._started:
            self.start()  # not started yet (it waits for the first paint): start now
        self._thread.join(timeout)
        return self.engine

    def _run(self) -> None:
        try:
            from outreach.storage.database import DamagedDatabaseError, open_database

            try:
                self.engine = open_database(self._folder, daily_backup=True)
            except DamagedDatabaseError as exc:  # the window offers the last good backup
                self.damaged.emit(exc)
                return
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
    records_folder: Path | None = None,
) -> MainWindow:
    """Apply the settings' UI language and build the main window.

    With ``records_folder`` the window can lock: it opens and closes the records there.
    """
    set_ui_language(settings.settings.ui_language)
    notifier = LanguageNotifier.of(app)
    library = library or load_library(cache_dir=cache_dir)
    gate = None
    if records_folder is not None:
        from outreach.security.session import RecordsGate

        gate = RecordsGate(records_folder, library, lambda: settings.settings)
    return MainWindow(library, settings, notifier, gate)


def start(
    data_dir_arg: str | None = None, passphrase: str | None = None
) -> tuple[QApplication, MainWindow, DatabaseOpener]:
    """Everything up to a shown main window (the path ``bench/`` times).

    An encrypted database opens on the lock page, or unlocked with ``passphrase`` (the one
    the first-run wizard just set).

    Raises :class:`SettingsError` or :class:`OSError`, with a message for the officer,
    when the settings or the data folder cannot be used.
    """
    app = create_application()
    folder = data_dir(data_dir_arg)
    settings = SettingsStore(config_dir(folder, explicit_data=data_dir_arg is not None))
    window = build_main_window(
        app, settings, cache_dir=folder / CACHE_FOLDER, records_folder=folder
    )
    window.data_folder = folder
    opener = DatabaseOpener(folder, window)
    if is_encrypted(folder / DB_FILE):
        window.lock()  # the records open only with the passphrase, on the lock page
        window.show()
        if passphrase:
            window.try_unlock(passphrase)
        opener.disable()  # nothing for it to open without the passphrase
        return app, window, opener
    window.show()
    opener.failed.connect(window.show_storage_error)
    opener.damaged.connect(lambda exc: window.offer_restore(exc, None))
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


def run_first_run(data_dir_arg: str | None = None) -> str | None:
    """Show the first-run wizard when the officer has not been through it yet.

    Finishing saves what was entered; cancelling saves nothing, so it is asked again. The
    passphrase page encrypts the records at once; that passphrase is returned (None when
    none was set), so the app can open without asking for it again.
    """
    if os.environ.get(NO_FIRST_RUN_ENV) == "1":
        return None
    folder = data_dir(data_dir_arg)
    store = SettingsStore(config_dir(folder, explicit_data=data_dir_arg is not None))
    if store.settings.first_run_done:
        return None
    from outreach.reference import ReferenceListError, shipped_reference
    from outreach.ui.first_run import FirstRunWizard

    app = create_application()
    resume_garbage_collection()  # the officer may spend minutes in the wizard
    LanguageNotifier.of(app)
    try:
        reference = shipped_reference()
    except ReferenceListError:
        reference = None
    chosen: list[str] = []
    wizard = None

    def set_passphrase(new: str) -> None:
        from outreach.security.vault import set_passphrase as encrypt

        actor = wizard.profile_page.name_edit.text().strip() if wizard else ""
        folder.mkdir(parents=True, exist_ok=True)
        encrypt(folder, new, old=chosen[-1] if chosen else None, actor=actor or "first-run")
        chosen.append(new)

    already = is_encrypted(folder / DB_FILE)
    wizard = FirstRunWizard(store.settings, folder, reference, None if already else set_passphrase)
    if wizard.exec():
        store.save(wizard.value())
    else:
        set_ui_language(store.settings.ui_language)
    wizard.deleteLater()  # by Qt, between events: its closure keeps it in a reference cycle
    return chosen[-1] if chosen else None


def resume_garbage_collection() -> None:
    """Collect garbage again, from the event loop only, once the window shows.

    The entry points (``python -m outreach``, the bundle) start with collection off: the
    start-up makes many objects and no cycles worth collecting, and collecting them cost
    2 % of the time to the first window. What the start-up made is frozen out of later
    collections. From then on :mod:`outreach.ui.garbage` collects between events, never
    from inside Qt.
    """
    from outreach.ui import garbage

    if gc.isenabled() or garbage.installed():
        return  # on already (not started by an entry point: a test, a script)
    app = QApplication.instance()
    gc.freeze()
    if app is None:
        collection.set_automatic(True)
    else:
        garbage.install(app)


def run_gui(data_dir_arg: str | None = None) -> int:
    """Open the app on the advice browser; returns the exit code."""
    probe = os.environ.get(STARTUP_PROBE_ENV) == "1"
    try:
        passphrase = run_first_run(data_dir_arg)  # at once, unless it is the first start
        app, window, opener = start(data_dir_arg, passphrase)
    except (SettingsError, OSError) as exc:
        create_application()
        message = _("Outreach cannot start:\n\n{error}").format(error=exc)
        from PySide6.QtWidgets import QMessageBox  # only when it cannot start

        QMessageBox.critical(None, APP_NAME, message)
        print(f"outreach: {exc}", file=sys.stderr)
        return 1
    if probe:
        app.processEvents()
        print(time.time(), flush=True)
        opener.disable()  # it times the window: the records stay shut
        code = 0
    else:
        QTimer.singleShot(RECORDS_DELAY_MS, resume_garbage_collection)
        code = app.exec()
    engine = opener.wait()
    if window.records is not None:
        window.records.close()
    if engine is not None:
        engine.dispose()
    return code
