"""Python's cyclic garbage collected from the event loop, never from inside Qt.

Python starts a collection whenever enough objects have been allocated: at any point,
on any thread. A collection frees widgets that are garbage, and deleting a widget runs
Qt's destructors. Started from inside another Qt destructor (one that holds its object's
connection lock while PySide looks up a Python method), that second deletion waits for
the same lock for ever: the app hangs. The test suite hung so, in a leaflet dialog.

So the app switches automatic collection off once its window shows, and a timer on the
UI thread collects, with the automatic collector's own thresholds, between events; not
while work has paused collection (:mod:`outreach.collection`).
"""

from __future__ import annotations

import gc

import shiboken6
from PySide6.QtCore import QObject, QTimer

from outreach import collection

#: How often the counts are checked. Garbage waits at most this long.
INTERVAL_MS = 500


def collect_if_due() -> int:
    """Collect the generations whose allocation counts have passed their thresholds,
    as the automatic collector would; returns the number of objects found unreachable."""
    if collection.is_paused():
        return 0
    thresholds, counts = gc.get_threshold(), gc.get_count()
    if counts[0] <= thresholds[0]:
        return 0
    generation = 0
    if counts[1] > thresholds[1]:
        generation = 2 if counts[2] > thresholds[2] else 1
    return gc.collect(generation)


class GarbageCollector(QObject):
    """Turns automatic collection off, and collects when due from its timer's slot."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        collection.set_automatic(False)
        self.timer = QTimer(self)
        self.timer.timeout.connect(collect_if_due)
        self.timer.start(INTERVAL_MS)


_collector: GarbageCollector | None = None


def installed() -> bool:
    return _collector is not None and shiboken6.isValid(_collector)


def install(app: QObject) -> GarbageCollector:
    """The application's collector (made on the first call): from now on the garbage is
    collected only between events on the UI thread."""
    global _collector
    if not installed():
        _collector = GarbageCollector(app)
    return _collector  # type: ignore[return-value]
