"""The main window: the advice browser, menus and status bar; the lock and public mode."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QTabWidget

from outreach import APP_NAME, __version__
from outreach.advice import AdviceLibrary
from outreach.i18n import _, format_number, set_ui_language
from outreach.settings import SettingsStore
from outreach.ui._pyside import call_later
from outreach.ui.advice_browser import AdviceBrowser
from outreach.ui.idle import IdleWatcher
from outreach.ui.language import LanguageNotifier

if TYPE_CHECKING:
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QMessageBox

    from outreach.ui.lock import LockPage

LOCK_SHORTCUT = "Ctrl+Shift+L"
PUBLIC_MODE_SHORTCUT = "Ctrl+Shift+P"
AFTER_PAINT_MS = 150  # set-up left until the window has shown (see _after_first_paint)


def _keys(*keys: QKeySequence.StandardKey | str) -> list[QKeySequence]:
    """Shortcuts for ``QAction.setShortcuts``; a standard key brings all its bindings.

    Not ``setShortcut``: choosing among its overloads makes PySide build the enums of
    ``Qt``'s namespace, a tenth of the start-up.
    """
    from PySide6.QtGui import QKeySequence

    found: list[QKeySequence] = []
    for key in keys:
        if isinstance(key, str):
            found.append(QKeySequence(key))
        else:
            found.extend(QKeySequence.keyBindings(key))
    return found


class MainWindow(QMainWindow):
    """Top-level window; each screen gets only the services it uses.

    ``gate`` (a :class:`outreach.security.session.RecordsGate`) opens and closes the
    records for the lock; without one (tests of single screens) locking only hides them.
    """

    #: Emitted with the :class:`PublicModeWindow` each time public mode starts: the leaflet
    #: feature connects its ``leaflet_requested`` signal and calls
    #: ``set_leaflet_action_available(True)`` here.
    public_mode_started = Signal(object)
    locked_changed = Signal(bool)

    def __init__(
        self,
        library: AdviceLibrary,
        settings: SettingsStore,
        language: LanguageNotifier,
        gate=None,
    ) -> None:
        super().__init__()
        self._library = library
        self._settings = settings
        self.gate = gate
        self.setObjectName("mainWindow")
        self.advice_browser = AdviceBrowser(library, settings, self)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.advice_browser, "")
        self._lock_page = None  # made when first locked (see lock_page)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)
        self.records = None
        # The data folder (HQ's key lives there); set by the start-up code.
        self.data_folder: Path | None = None
        self.hq_view = None
        self.engagement_log = None
        self.follow_ups_panel = None
        self.locked = False
        self.public_window = None
        self.started = False  # True once the set-up left until after the first paint is done
        self._pending_audit: list[tuple[str, dt.datetime]] = []
        self.idle = IdleWatcher(settings.settings.lock_after_minutes, self)
        self.idle.idle.connect(self.lock)
        self._build_actions()
        self._connect_signals(language)
        self.retranslate_ui()
        self.resize(1200, 760)
        call_later(AFTER_PAINT_MS, self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        """Set-up that can wait until the window shows, a moment before anyone can press
        a key: PySide builds each Qt class and its enums in Python on first use, and the
        first use of ``Qt``'s namespace builds its 1,195 enum members."""
        self._set_shortcuts()
        self.advice_browser.add_shortcuts()
        self.started = True

    def _set_shortcuts(self) -> None:
        from PySide6.QtGui import QKeySequence

        standard = QKeySequence.StandardKey
        self.quit_action.setShortcuts(_keys(standard.Quit))
        self.find_action.setShortcuts(_keys(standard.Find))
        self.preferences_action.setShortcuts(_keys(standard.Preferences, "Ctrl+,"))
        self.leaflet_action.setShortcuts(_keys(standard.Print))
        self.lock_action.setShortcuts(_keys(LOCK_SHORTCUT))
        self.public_action.setShortcuts(_keys(PUBLIC_MODE_SHORTCUT))
        # The lock shortcut works in dialogs and public mode too; none can be open yet.
        self.lock_action.setShortcutContext(QtCore.Qt.ShortcutContext.ApplicationShortcut)

    @property
    def lock_page(self) -> LockPage:
        """The page shown while locked.

        Made on first use: most starts never lock, and its module's Qt classes add to the
        start-up.
        """
        if self._lock_page is None:
            from outreach.ui.lock import LockPage

            self._lock_page = LockPage()
            self.stack.addWidget(self._lock_page)
            self._lock_page.unlock_requested.connect(self.try_unlock)
            self._lock_page.public_mode_requested.connect(self.enter_public_mode)
        return self._lock_page

    def _build_actions(self) -> None:
        # Their shortcuts are set once the window has shown (_set_shortcuts).
        self.quit_action = QAction(self)
        self.find_action = QAction(self)
        self.preferences_action = QAction(self)
        self.about_action = QAction(self)
        self.leaflet_action = QAction(self)
        self.lock_action = QAction(self)
        self.public_action = QAction(self)
        self.passphrase_action = QAction(self)
        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addAction(self.leaflet_action)
        self.export_action = QAction(self)
        self.export_action.setEnabled(False)  # once the records are open
        self.hq_action = QAction(self)
        self.file_menu.addAction(self.export_action)
        self.file_menu.addAction(self.hq_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.lock_action)
        self.file_menu.addAction(self.public_action)
        self.file_menu.addAction(self.passphrase_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = self.menuBar().addMenu("")
        self.edit_menu.addAction(self.find_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.preferences_action)
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addAction(self.about_action)

    def _connect_signals(self, language: LanguageNotifier) -> None:
        self.quit_action.triggered.connect(self.close)
        self.find_action.triggered.connect(self.find_advice)
        self.preferences_action.triggered.connect(self.open_preferences)
        self.about_action.triggered.connect(self.show_about)
        self.leaflet_action.triggered.connect(self.open_leaflet)
        self.export_action.triggered.connect(self.open_export)
        self.hq_action.triggered.connect(self.open_hq)
        self.lock_action.triggered.connect(self.lock)
        self.public_action.triggered.connect(self.enter_public_mode)
        self.passphrase_action.triggered.connect(self.change_passphrase)
        # A bound method, so Qt disconnects it when this window is destroyed.
        language.changed.connect(self._on_language_changed)

    def _on_language_changed(self, _code: str) -> None:
        self.retranslate_ui()
        self.advice_browser.retranslate_ui()
        if self._lock_page is not None:
            self._lock_page.retranslate_ui()
        if self.engagement_log is not None:
            self.engagement_log.retranslate_ui()
            self.follow_ups_panel.retranslate_ui()

    def attach_records(self, records) -> None:
        """Add the screens that need the records database, once it is open."""
        from outreach.ui.engagement_log import EngagementLog, FollowUpsPanel

        if self.locked:  # opened while the app locked itself: keep them closed
            records.close()
            return
        self.records = records
        self.engagement_log = EngagementLog(records, self._library, self._settings, self)
        self.follow_ups_panel = FollowUpsPanel(records, self)
        self.engagement_log.changed.connect(self.follow_ups_panel.refresh)
        self.engagement_log.leaflet_requested.connect(self.open_leaflet)
        self.tabs.addTab(self.engagement_log, "")
        self.tabs.addTab(self.follow_ups_panel, "")
        self.export_action.setEnabled(True)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("{app} — crime prevention advice").format(app=APP_NAME))
        self.tabs.setTabText(0, _("&Advice"))
        if self.engagement_log is not None:
            self.tabs.setTabText(1, _("E&ngagements"))
            self.tabs.setTabText(2, _("Follow-&ups"))
        self.file_menu.setTitle(_("&File"))
        self.edit_menu.setTitle(_("&Edit"))
        self.help_menu.setTitle(_("&Help"))
        self.quit_action.setText(_("&Quit"))
        self.leaflet_action.setText(_("&Leaflet…"))
        self.leaflet_action.setToolTip(_("Make, preview and print a leaflet of the topic shown"))
        self.export_action.setText(_("E&xport to HQ…"))
        self.hq_action.setText(_("&HQ: merge bundles and dashboard…"))
        self.find_action.setText(_("&Find advice"))
        self.preferences_action.setText(_("&Preferences…"))
        self.about_action.setText(_("&About {app}").format(app=APP_NAME))
        self.lock_action.setText(_("&Lock"))
        self.public_action.setText(_("P&ublic advice mode"))
        self.passphrase_action.setText(_("Pass&phrase…"))
        if self.locked:
            self.statusBar().showMessage(_("Locked: records are hidden."))
            return
        topics = len(self._library.topics)
        languages = len(self._library.languages)
        self.statusBar().showMessage(
            _("Topics: {topics} · Languages: {languages}").format(
                topics=format_number(topics), languages=format_number(languages)
            )
        )

    def open_preferences(self) -> None:
        from outreach.ui.settings_dialog import SettingsDialog  # not needed to start

        settings, accepted = SettingsDialog.edit(
            self._settings.settings,
            self._library,
            self,
            self.data_folder,
            on_passphrase=self.change_passphrase if self.gate is not None else None,
        )
        if accepted:
            self.apply_settings(settings)

    def apply_settings(self, settings) -> None:
        """Save ``settings`` and apply them at once (UI language, content language)."""
        previous = self._settings.settings.ui_language
        self._settings.save(settings)
        self.advice_browser.topic_view.set_content_language(settings.content_language)
        self.idle.set_minutes(settings.lock_after_minutes)
        if settings.ui_language != previous:
            set_ui_language(settings.ui_language)

    def open_leaflet(self, engagement_id: str | None = None):
        """The leaflet dialog, starting from the topic and language on screen."""
        from outreach.ui.leaflet_dialog import LeafletDialog

        view = self.advice_browser.topic_view
        topics = [view.topic.id] if view.topic is not None else []
        dialog = LeafletDialog(
            self._library,
            self._settings,
            topics,
            view.content_language(),
            self.records,
            engagement_id if isinstance(engagement_id, str) else None,
            self,
        )
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _folder(self):
        from outreach.paths import data_dir

        return self.data_folder or data_dir(None)

    def export_dialog(self):
        """The export dialog over this laptop's records (not shown)."""
        from pathlib import Path

        from outreach.exchange.export import ExportService
        from outreach.ui.export_dialog import ExportDialog

        records = self.records
        exporter = ExportService(
            records.engine, self._folder(), records.engagements.actor, records.surveys.checklists
        )
        documents = Path.home() / "Documents"
        return ExportDialog(exporter, documents if documents.is_dir() else Path.home(), self)

    def open_export(self) -> None:
        if self.records is None:
            return
        dialog = self.export_dialog()
        dialog.exec()
        dialog.deleteLater()

    def open_hq(self) -> None:
        """HQ's window (one per main window), reading the HQ database in the data folder."""
        from outreach.hq.report import report_names
        from outreach.reference import shipped_reference
        from outreach.ui.hq_view import HqView

        if self.hq_view is None:
            names = report_names(self._library, shipped_reference())
            self.hq_view = HqView(self._folder(), names)
            self.hq_view.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
            self.hq_view.destroyed.connect(self._hq_closed)
        self.hq_view.show()
        self.hq_view.raise_()

    def _hq_closed(self) -> None:
        self.hq_view = None

    def find_advice(self) -> None:
        """Ctrl+F: go to the advice library and put the cursor in its search box."""
        self.tabs.setCurrentWidget(self.advice_browser)
        self.advice_browser.focus_search()

    def show_storage_error(self, message: str) -> None:
        """Tell the officer the records database cannot be used; advice still works."""
        from PySide6.QtWidgets import QMessageBox  # (its enums: not at start-up)

        QMessageBox.critical(
            self,
            APP_NAME,
            _(
                "Your records cannot be opened, so only the advice library is available.\n\n{error}"
            ).format(error=message),
        )

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            _("About {app}").format(app=APP_NAME),
            _(
                "{app} {version}\n\nOffline crime-prevention advice, engagement records "
                "and leaflets for police engagement officers."
            ).format(app=APP_NAME, version=__version__),
        )

    # -- the lock ----------------------------------------------------------------------
    def _close_other_windows(self) -> None:
        """Close every dialog and window that might show a record (drafts are saved)."""
        from PySide6.QtWidgets import QDialog  # not before the first paint: see _after_first_paint

        for widget in QApplication.topLevelWidgets():
            # A popup or dialog may be on its way out (deleted in C++ already): skip it.
            if not shiboken6.isValid(widget):
                continue
            if widget is self or widget is self.public_window or not widget.isVisible():
                continue
            if isinstance(widget, QDialog):
                widget.reject()
            widget.close()

    def _detach_records(self, action: str) -> None:
        for panel in (self.engagement_log, self.follow_ups_panel):
            if panel is not None:
                self.tabs.removeTab(self.tabs.indexOf(panel))
                panel.hide()
                # Now, not later: no record may stay in a widget or model after locking.
                shiboken6.delete(panel)
        self.engagement_log = None
        self.follow_ups_panel = None
        records, self.records = self.records, None
        if records is None:
            self._pending_audit.append((action, dt.datetime.now(dt.UTC)))
        elif self.gate is not None:
            self.gate.close(records, action)
        else:
            records.close()

    def _set_unlocked_actions(self, enabled: bool) -> None:
        for action in (
            self.find_action,
            self.preferences_action,
            self.passphrase_action,
            self.leaflet_action,
            self.hq_action,
        ):
            action.setEnabled(enabled)
        self.lock_action.setEnabled(enabled)
        # Export needs the records: attach_records enables it again.
        self.export_action.setEnabled(enabled and self.records is not None)

    def lock(self, action: str = "locked") -> None:
        """Hide every record: close the records and show the lock page (Ctrl+Shift+L, idle)."""
        if self.locked:
            return
        self._close_other_windows()
        self._detach_records(action)
        self.locked = True
        self.idle.timer.stop()
        has = self.gate.has_passphrase() if self.gate is not None else False
        self.lock_page.set_has_passphrase(has)
        self.lock_page.reset()
        self.stack.setCurrentWidget(self.lock_page)
        self._set_unlocked_actions(False)
        self.retranslate_ui()
        self.locked_changed.emit(True)

    def _open_records(self, passphrase: str | None, action: str):
        """Records from the gate, or None after telling the officer why not."""
        from outreach.storage.database import DamagedDatabaseError, StorageError

        QGuiApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
        try:
            records = self.gate.open(
                passphrase if self.gate.has_passphrase() else None, action=action
            )
        except DamagedDatabaseError as exc:
            QGuiApplication.restoreOverrideCursor()
            self.offer_restore(exc, passphrase)
            return None
        except StorageError as exc:
            QGuiApplication.restoreOverrideCursor()
            return str(exc)
        QGuiApplication.restoreOverrideCursor()
        from outreach.storage.database import record_audit

        for pending, at in self._pending_audit:
            record_audit(records.engine, pending, actor=self.gate.actor, at=at)
        self._pending_audit.clear()
        return records

    def try_unlock(self, passphrase: str, action: str = "unlocked") -> bool:
        """Unlock with ``passphrase``; a wrong one leaves everything locked and says so."""
        records = None
        if self.gate is not None:
            opened = self._open_records(passphrase, action)
            if opened is None:  # damaged: unlocked meanwhile if a backup was restored
                return not self.locked
            if isinstance(opened, str):
                self.lock_page.show_error(opened)
                return False
            records = opened
        self.locked = False
        self.stack.setCurrentWidget(self.tabs)
        self._set_unlocked_actions(True)
        if records is not None:
            self.attach_records(records)
        self.retranslate_ui()
        self.idle.timer.start()
        self.locked_changed.emit(False)
        return True

    def offer_restore(self, error, passphrase: str | None) -> bool:
        """The database is damaged: offer its newest good backup, never a fresh database."""
        from PySide6.QtWidgets import QMessageBox

        from outreach.storage.database import StorageError

        good = error.good_backup
        if good is None or self.gate is None:
            self.show_storage_error(str(error))
            return False
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(_("The records database is damaged"))
        box.setText(str(error))
        restore_button = box.addButton(
            _("Restore the backup of {made}").format(made=good.made.strftime("%Y-%m-%d %H:%M")),
            QMessageBox.ButtonRole.AcceptRole,
        )
        box.addButton(_("Not now (advice only)"), QMessageBox.ButtonRole.RejectRole)
        if not self.confirm_restore(box) or box.clickedButton() is not restore_button:
            return False
        try:
            self.gate.restore(good.path, passphrase)
        except StorageError as exc:
            self.show_storage_error(str(exc))
            return False
        if self.locked:
            return self.try_unlock(passphrase or "")
        records = self._open_records(passphrase, "unlocked")
        if records is not None and not isinstance(records, str):
            self.attach_records(records)
            return True
        return False

    def confirm_restore(self, box: QMessageBox) -> bool:
        """Show the restore offer (tests replace this); True once a button was chosen."""
        box.exec()
        return box.clickedButton() is not None

    def change_passphrase(self) -> bool:
        """Set or change the passphrase: the records close, are re-encrypted and reopen."""
        from outreach.storage.crypto import CryptoError
        from outreach.storage.database import StorageError

        if self.gate is None:
            return False
        from PySide6.QtWidgets import QDialog

        from outreach.ui.lock import PassphraseDialog

        dialog = PassphraseDialog(self.gate.has_passphrase(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        old, new = dialog.values()
        self._close_other_windows()
        self._detach_records("passphrase-change-started")
        self.locked = True  # records closed while the file is re-encrypted
        try:
            self.gate.set_passphrase(new, old)
        except (StorageError, CryptoError) as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, APP_NAME, str(exc))
            return self.try_unlock(old or "") or self._stay_locked()
        return self.try_unlock(new)

    def _stay_locked(self) -> bool:
        self.locked = False
        self.lock()
        return False

    # -- public mode -------------------------------------------------------------------
    def enter_public_mode(self) -> None:
        """Turn the screen into the public advice kiosk; leaving needs the passphrase."""
        from outreach.ui.public_mode import PublicModeWindow

        if self.public_window is not None:
            return
        self.lock("public-mode-entered")
        self.public_window = PublicModeWindow(self._library, self._settings.settings)
        self.public_window.exit_requested.connect(self.ask_to_leave_public_mode)
        # The kiosk offers leaflets: preview and print only, counted nowhere, no saving.
        # (Set up before it goes full screen: showing the button later re-lays the window
        # out and, on some platforms, drops the full-screen state.)
        self.public_window.leaflet_requested.connect(self.open_public_leaflet)
        self.public_window.set_leaflet_action_available(True)
        self.public_window.showFullScreen()
        self.hide()
        self.public_mode_started.emit(self.public_window)

    def open_public_leaflet(self, topic_id: str, lang: str):
        """A leaflet from public mode: no records and no file dialog within reach."""
        from outreach.ui.leaflet_dialog import LeafletDialog

        if self.public_window is None:
            return None
        dialog = LeafletDialog(
            self._library,
            self._settings,
            [topic_id],
            lang,
            parent=self.public_window,
            allow_save=False,
        )
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def leave_public_mode(self, passphrase: str) -> str | None:
        """Leave public mode with ``passphrase``; returns the problem, or None when done."""
        if self.public_window is None:
            return None
        if self.gate is not None:
            records = self._open_records(passphrase, "public-mode-left")
            if records is None or isinstance(records, str):
                return records or _("The records could not be opened.")
        else:
            records = None
        window, self.public_window = self.public_window, None
        window.allow_close()
        window.close()
        window.deleteLater()
        self.locked = False
        self.stack.setCurrentWidget(self.tabs)
        self._set_unlocked_actions(True)
        if records is not None:
            self.attach_records(records)
        self.retranslate_ui()
        self.show()
        self.idle.timer.start()
        self.locked_changed.emit(False)
        return None

    def ask_to_leave_public_mode(self) -> None:
        from PySide6.QtWidgets import QDialog

        from outreach.ui.lock import ExitPublicModeDialog

        dialog = ExitPublicModeDialog(self.public_window)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            problem = self.leave_public_mode(dialog.passphrase.text())
            if problem is None:
                return
            dialog.passphrase.clear()
            dialog.message.setText(problem)
