"""Bridge between the UI language (gettext, in the core) and Qt.

One :class:`LanguageNotifier` lives on the application; widgets connect to its
``changed`` signal and call their ``retranslate_ui()``. It also loads Qt's own
translations and sets the whole application's layout direction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QLocale, QObject, Signal
from PySide6.QtWidgets import QApplication

from outreach import i18n

if TYPE_CHECKING:
    from PySide6.QtCore import QTranslator


class LanguageNotifier(QObject):
    """Emits ``changed(code)`` after the UI language has been switched."""

    changed = Signal(str)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._qt_translator: QTranslator | None = None
        self._direction_set = False
        i18n.add_language_listener(self._on_language_changed)
        self.destroyed.connect(lambda: i18n.remove_language_listener(self._on_language_changed))
        self._apply(i18n.ui_language())

    @classmethod
    def of(cls, app: QApplication) -> LanguageNotifier:
        """The application's notifier, made on first use.

        Kept on the application object: ``findChild`` would wrap each of the application's
        children in Python, its style among them, whose enums alone cost ~5 % of start-up.
        """
        notifier = getattr(app, "_outreach_language", None)
        if notifier is None or not shiboken6.isValid(notifier):
            notifier = cls(app)
            app._outreach_language = notifier
        return notifier

    def _on_language_changed(self, code: str) -> None:
        self._apply(code)
        self.changed.emit(code)

    def _apply(self, code: str) -> None:
        rtl = i18n.is_rtl(code)
        # Left to right is Qt's own default: until a right-to-left language has been set,
        # ``Qt`` (whose first use builds 1,195 enum members in Python) is left alone.
        if rtl or self._direction_set:
            from PySide6.QtCore import Qt

            self._app.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
            )
            self._direction_set = True
        QLocale.setDefault(QLocale(i18n.format_locale(code)))
        if self._qt_translator is not None:
            self._app.removeTranslator(self._qt_translator)
            self._qt_translator = None
        if code == i18n.SOURCE_LANGUAGE:
            return  # Qt's own strings are English already
        # Imported only now: an English start never needs them (each Qt class costs
        # PySide time to build on first use).
        from PySide6.QtCore import QLibraryInfo, QTranslator

        translator = QTranslator(self)
        path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{code.split('_')[0]}", path):
            self._app.installTranslator(translator)
            self._qt_translator = translator
        else:
            translator.deleteLater()

    def detach(self) -> None:
        i18n.remove_language_listener(self._on_language_changed)
