"""The main window: the advice browser, menus and status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget

from outreach import APP_NAME, __version__
from outreach.advice import AdviceLibrary
from outreach.i18n import _, format_number, set_ui_language
from outreach.settings import SettingsStore
from outreach.ui.advice_browser import AdviceBrowser
from outreach.ui.language import LanguageNotifier
from outreach.ui.settings_dialog import SettingsDialog


class MainWindow(QMainWindow):
    """Top-level window; each screen gets only the services it uses."""

    def __init__(
        self, library: AdviceLibrary, settings: SettingsStore, language: LanguageNotifier
    ) -> None:
        super().__init__()
        self._library = library
        self._settings = settings
        self.setObjectName("mainWindow")
        self.advice_browser = AdviceBrowser(library, settings, self)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.advice_browser, "")
        self.setCentralWidget(self.tabs)
        self.records = None
        # The data folder (HQ's key lives there); set by the start-up code.
        self.data_folder: Path | None = None
        self.engagement_log = None
        self.follow_ups_panel = None
        self._build_actions()
        self._connect_signals(language)
        self.retranslate_ui()
        self.resize(1200, 760)

    def _build_actions(self) -> None:
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.preferences_action = QAction(self)
        self.preferences_action.setShortcuts(
            [QKeySequence.StandardKey.Preferences, QKeySequence("Ctrl+,")]
        )
        self.about_action = QAction(self)
        self.leaflet_action = QAction(self)
        self.leaflet_action.setShortcut(QKeySequence.StandardKey.Print)
        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addAction(self.leaflet_action)
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
        # A bound method, so Qt disconnects it when this window is destroyed.
        language.changed.connect(self._on_language_changed)

    def _on_language_changed(self, _code: str) -> None:
        self.retranslate_ui()
        self.advice_browser.retranslate_ui()
        if self.engagement_log is not None:
            self.engagement_log.retranslate_ui()
            self.follow_ups_panel.retranslate_ui()

    def attach_records(self, records) -> None:
        """Add the screens that need the records database, once it is open."""
        from outreach.ui.engagement_log import EngagementLog, FollowUpsPanel

        self.records = records
        self.engagement_log = EngagementLog(records, self._library, self._settings, self)
        self.follow_ups_panel = FollowUpsPanel(records, self)
        self.engagement_log.changed.connect(self.follow_ups_panel.refresh)
        self.engagement_log.leaflet_requested.connect(self.open_leaflet)
        self.tabs.addTab(self.engagement_log, "")
        self.tabs.addTab(self.follow_ups_panel, "")
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("{app} — crime prevention advice").format(app=APP_NAME))
        self.tabs.setTabText(0, _("&Advice"))
        if self.engagement_log is not None:
            self.tabs.setTabText(1, _("&Engagements"))
            self.tabs.setTabText(2, _("Follow-&ups"))
        self.file_menu.setTitle(_("&File"))
        self.edit_menu.setTitle(_("&Edit"))
        self.help_menu.setTitle(_("&Help"))
        self.quit_action.setText(_("&Quit"))
        self.leaflet_action.setText(_("&Leaflet…"))
        self.leaflet_action.setToolTip(_("Make, preview and print a leaflet of the topic shown"))
        self.find_action.setText(_("&Find advice"))
        self.preferences_action.setText(_("&Preferences…"))
        self.about_action.setText(_("&About {app}").format(app=APP_NAME))
        topics = len(self._library.topics)
        languages = len(self._library.languages)
        self.statusBar().showMessage(
            _("Topics: {topics} · Languages: {languages}").format(
                topics=format_number(topics), languages=format_number(languages)
            )
        )

    def open_preferences(self) -> None:
        settings, accepted = SettingsDialog.edit(
            self._settings.settings, self._library, self, self.data_folder
        )
        if accepted:
            self.apply_settings(settings)

    def apply_settings(self, settings) -> None:
        """Save ``settings`` and apply them at once (UI language, content language)."""
        previous = self._settings.settings.ui_language
        self._settings.save(settings)
        self.advice_browser.topic_view.set_content_language(settings.content_language)
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
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def find_advice(self) -> None:
        """Ctrl+F: go to the advice library and put the cursor in its search box."""
        self.tabs.setCurrentWidget(self.advice_browser)
        self.advice_browser.focus_search()

    def show_storage_error(self, message: str) -> None:
        """Tell the officer the records database cannot be used; advice still works."""
        QMessageBox.critical(
            self,
            APP_NAME,
            _(
                "Your records cannot be opened, so only the advice library is available.\n\n{error}"
            ).format(error=message),
        )

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            _("About {app}").format(app=APP_NAME),
            _(
                "{app} {version}\n\nOffline crime-prevention advice, engagement records "
                "and leaflets for police engagement officers."
            ).format(app=APP_NAME, version=__version__),
        )
