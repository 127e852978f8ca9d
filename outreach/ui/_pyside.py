"""Ways round two costs PySide adds to every start: its check of each module imported
after it (below), and the enums it builds to choose ``QTimer.singleShot``'s overload
(:func:`call_later`).

PySide's import hook (``shibokensupport.feature``) records, for each new module, whether
its source mentions "PySide6", so that ``from __feature__ import snake_case`` can be
switched per module. It finds out with :func:`inspect.getsource`: a tokenizer pass over
the file and a copy of every line into :mod:`linecache`. For the 60-odd modules the app
imports on its way to the first window that is about 4 ms of each start.

The same answer comes from reading the file's bytes, and, for compiled code with no
source beside it (the application bundle's), without reading anything. Whatever this
cannot answer so goes to PySide's own check.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import SourcelessFileLoader
from typing import TYPE_CHECKING

import PySide6  # noqa: F401  (installs the import hook this quickens)

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from PySide6.QtCore import QObject


def quicken_feature_check() -> bool:
    """Swap in the byte search; False where this PySide has no such check to quicken."""
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if upstream is None or getattr(upstream, "quickened", False):
        return upstream is not None
    feature._mod_uses_pyside = _quickened(upstream)
    return True


def _quickened(upstream: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".pyc"):
            # Compiled code alone, as in the application bundle: PySide finds no source
            # either, unless a .py lies beside it.
            loader = getattr(module, "__loader__", None)
            if isinstance(loader, SourcelessFileLoader) and not os.path.exists(path[:-1]):
                return False
            return upstream(module)
        if not isinstance(path, str) or not path.endswith(".py"):
            return upstream(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return upstream(module)

    mod_uses_pyside.quickened = True  # type: ignore[attr-defined]
    mod_uses_pyside.upstream = upstream  # type: ignore[attr-defined]
    return mod_uses_pyside


def call_later(msec: int, owner: QObject, slot: Callable[[], object]) -> None:
    """Call ``slot`` once after ``msec``, unless ``owner`` has been destroyed by then.

    The same as ``QTimer.singleShot(msec, owner, slot)`` without that overload's cost
    at start-up: resolving it makes PySide build ``QMetaMethod``'s enums.
    """
    from PySide6.QtCore import QTimer

    timer = QTimer(owner)  # goes with its owner, and then never fires
    timer.setSingleShot(True)
    timer.timeout.connect(slot)
    timer.timeout.connect(timer.deleteLater)
    timer.start(msec)
