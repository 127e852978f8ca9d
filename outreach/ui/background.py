"""Run one long job off the UI thread, with progress, cancel, and the result or error."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal


class BackgroundTask(QObject):
    """Runs ``job(progress, cancelled)`` on a worker thread.

    ``job`` calls ``progress(done, total, text)``; it may check ``cancelled()``. Signals
    arrive on the UI thread: ``progressed``, then ``finished(result)`` or ``failed(message)``.
    """

    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        job: Callable[[Callable[[int, int, str], None], Callable[[], bool]], object],
        errors: tuple[type[BaseException], ...],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._job = job
        self._errors = errors
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name="background-task", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        try:
            result = self._job(
                lambda done, total, text="": self.progressed.emit(done, total, text),
                self._cancel.is_set,
            )
        except self._errors as exc:
            self.failed.emit(str(exc))
            return
        self.finished.emit(result)
