"""Python's cyclic garbage collection: paused around work that makes no cycles, and the
app's choice of when it runs at all.

Parsing an HQ bundle's JSON makes hundreds of thousands of objects and no cycles; a
collection in the middle traverses them all again and again (json.loads of 10,000 lines:
~600 ms of CPU with collections, ~85 ms without). ``collection_paused`` stops every
collection while such work runs, on whichever thread: the automatic collector's and
the desktop app's own (:mod:`outreach.ui.garbage`, which asks :func:`is_paused`).

Pauses may overlap, on several threads: collection comes back as it was once the last
one ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0
_automatic_after = False  # whether automatic collection comes back when the pauses end


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while the block runs."""
    global _paused, _automatic_after
    with _lock:
        if _paused == 0:
            _automatic_after = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _automatic_after:
                gc.enable()


def is_paused() -> bool:
    """Whether some work has paused collection."""
    return _paused > 0


def set_automatic(on: bool) -> None:
    """Turn Python's automatic collection on or off (after any pause, if one runs)."""
    global _automatic_after
    with _lock:
        if _paused:
            _automatic_after = on
        elif on:
            gc.enable()
        else:
            gc.disable()
