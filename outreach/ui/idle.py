"""The idle timer that locks the window after a stretch with no input."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from outreach.ui._pyside import call_later

#: Input is watched from this long after start: a Python filter on every event of the
#: window's first paint slowed the start-up measurably (the idle timer already runs).
WATCH_DELAY_MS = 200


class IdleWatcher(QObject):
    """Emits ``idle`` after a stretch with no key, mouse or touch input anywhere in the app."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        self._stopped = False
        self._activity: frozenset = frozenset()
        call_later(WATCH_DELAY_MS, self, self._watch)

    def _watch(self) -> None:
        # QEvent is touched only now: PySide builds its enum of ~180 event types on import.
        from PySide6.QtCore import QEvent

        kinds = QEvent.Type
        self._activity = frozenset(
            {kinds.KeyPress, kinds.MouseButtonPress, kinds.MouseMove, kinds.Wheel, kinds.TouchBegin}
        )
        app = QApplication.instance()
        if app is not None and not self._stopped:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(max(1, minutes) * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        self.timer.setInterval(ms)
        self.timer.start()

    def eventFilter(self, watched: QObject, event) -> bool:
        if event.type() in self._activity:
            self.timer.start()
        return False

    def stop(self) -> None:
        self._stopped = True
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.timer.stop()
