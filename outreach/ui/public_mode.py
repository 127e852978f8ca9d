"""Public mode: the screen becomes an advice kiosk the public can use at the stall.

Only the advice library (with its content-language picker) is there; the window is built
from the library and a private copy of the settings, never from the records, so nothing
of the engagement log can be reached from it. Leaving asks for the officer's passphrase.

Leaflets: the lead developer's leaflet preview and print is connected through
:attr:`PublicModeWindow.leaflet_requested` (topic id, content language) and shown by
:meth:`PublicModeWindow.set_leaflet_action_available`.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from outreach import APP_NAME
from outreach.advice import AdviceLibrary
from outreach.i18n import _
from outreach.settings import Settings, SettingsStore
from outreach.ui.advice_browser import AdviceBrowser


class KioskSettings(SettingsStore):
    """The officer's settings as a starting point; what the public changes is not saved."""

    def __init__(self, settings: Settings) -> None:
        self.folder = None
        self.settings = dataclasses.replace(settings)

    def save(self, settings: Settings) -> None:
        self.settings = settings


class PublicModeWindow(QWidget):
    """A full-screen advice kiosk; ``exit_requested`` when someone asks to leave."""

    exit_requested = Signal()
    #: (topic id, content language): connect the leaflet preview/print here.
    leaflet_requested = Signal(str, str)

    def __init__(self, library: AdviceLibrary, settings: Settings) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("publicMode")
        self._may_close = False
        self.browser = AdviceBrowser(library, KioskSettings(settings), self)
        larger = self.browser.font()  # read from a step away, at a stall
        larger.setPointSizeF(larger.pointSizeF() * 1.2)
        self.browser.setFont(larger)
        self.banner = QLabel()
        banner_font = QFont()
        banner_font.setPointSize(16)
        banner_font.setBold(True)
        self.banner.setFont(banner_font)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.leaflet_button = QPushButton()
        self.leaflet_button.setObjectName("publicLeaflet")
        self.leaflet_button.hide()  # until the leaflet feature is connected
        self.exit_button = QPushButton()
        self.exit_button.setFlat(True)

        header = QWidget()
        header.setObjectName("publicHeader")
        header.setStyleSheet(
            "QWidget#publicHeader { background: #16325c; }"
            " QWidget#publicHeader QLabel { color: white; }"
            " QWidget#publicHeader QPushButton { color: white; padding: 6px 12px; }"
            # The one action for the public: dark text on a light button, easy to see.
            " QWidget#publicHeader QPushButton#publicLeaflet { background: white; color: #16325c;"
            " font-weight: 600; border-radius: 4px; padding: 8px 16px; }"
        )
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 10, 16, 10)
        text = QVBoxLayout()
        text.addWidget(self.banner)
        text.addWidget(self.hint)
        row.addLayout(text, 1)
        row.addWidget(self.leaflet_button)
        row.addWidget(self.exit_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.browser, 1)

        self.exit_button.clicked.connect(self.exit_requested)
        self.leaflet_button.clicked.connect(self._request_leaflet)
        QShortcut(QKeySequence("Ctrl+Shift+P"), self, activated=self.exit_requested)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("{app} — public advice").format(app=APP_NAME))
        self.banner.setText(_("Crime prevention advice"))
        self.hint.setText(
            _(
                "Choose a subject on the left, or type a word in any language. "
                "Pick your language above the advice. Ask the officer for a printed leaflet."
            )
        )
        self.leaflet_button.setText(_("Leaflet of this advice…"))
        self.exit_button.setText(_("Officer: leave public mode"))

    def set_leaflet_action_available(self, available: bool) -> None:
        """Show the leaflet button once the leaflet preview is connected."""
        self.leaflet_button.setVisible(available)

    def _request_leaflet(self) -> None:
        topic = self.browser.topic_view.topic
        if topic is not None:
            self.leaflet_requested.emit(topic.id, self.browser.topic_view.content_language())

    def allow_close(self) -> None:
        self._may_close = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close:
            event.accept()
        else:  # Alt+F4 and the like: leaving needs the passphrase
            event.ignore()
            self.exit_requested.emit()
