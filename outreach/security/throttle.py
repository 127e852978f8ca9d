"""Slow down repeated wrong passphrases, across restarts of the app.

The count of wrong tries in a row and the time of the last one are kept in the data folder
(``unlock-attempts.json``), so closing and reopening the app does not reset them. The first
few tries are free; after that each further try waits twice as long as the one before,
up to a cap. The clock is a parameter so tests need not sleep.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from outreach.i18n import ngettext

ATTEMPTS_FILE = "unlock-attempts.json"
FREE_TRIES = 3
FIRST_DELAY = 5.0
MAX_DELAY = 300.0

Clock = Callable[[], float]


class TooManyTries(Exception):
    """Too many wrong passphrases in a row: the next try must wait."""

    def __init__(self, wait: float) -> None:
        self.wait = wait
        seconds = math.ceil(wait)
        super().__init__(
            ngettext(
                "Too many wrong passphrases in a row. Try again in {n} second.",
                "Too many wrong passphrases in a row. Try again in {n} seconds.",
                seconds,
            ).format(n=seconds)
        )


@dataclass
class AttemptState:
    failures: int = 0
    last: float = 0.0
    unreported: list[float] = field(default_factory=list)


def delay_after(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` wrong ones in a row."""
    if failures < FREE_TRIES:
        return 0.0
    return min(MAX_DELAY, FIRST_DELAY * 2 ** (failures - FREE_TRIES))


class Throttle:
    """The wrong-passphrase counter of one data folder."""

    def __init__(self, folder: Path, clock: Clock | None = None) -> None:
        self.path = folder / ATTEMPTS_FILE
        self.clock = clock or time.time

    def state(self) -> AttemptState:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return AttemptState(
                failures=int(data.get("failures", 0)),
                last=float(data.get("last", 0.0)),
                unreported=[float(t) for t in data.get("unreported", [])],
            )
        except FileNotFoundError:
            return AttemptState()
        except (OSError, ValueError, TypeError, AttributeError):
            # A damaged counter must not become a way round the wait: count it as a few
            # wrong tries made when the file was last written.
            try:
                last = self.path.stat().st_mtime
            except OSError:
                last = self.clock()
            return AttemptState(failures=FREE_TRIES + 2, last=last)

    def _save(self, state: AttemptState) -> None:
        from outreach.settings import atomic_write_bytes

        payload = {"failures": state.failures, "last": state.last, "unreported": state.unreported}
        atomic_write_bytes(self.path, json.dumps(payload).encode("utf-8"))

    def wait(self) -> float:
        """Seconds before another try is allowed (0 when one is allowed now)."""
        state = self.state()
        return max(0.0, state.last + delay_after(state.failures) - self.clock())

    def check(self) -> None:
        """Raise :class:`TooManyTries` when a try is not allowed yet."""
        wait = self.wait()
        if wait > 0:
            raise TooManyTries(wait)

    def failed(self) -> None:
        state = self.state()
        now = self.clock()
        state.failures += 1
        state.last = now
        state.unreported = [*state.unreported, now][-100:]
        self._save(state)

    def succeeded(self) -> list[float]:
        """Reset the counter; returns the times of wrong tries not yet in the audit trail."""
        state = self.state()
        if state.failures or state.unreported or self.path.exists():
            self.path.unlink(missing_ok=True)
        return state.unreported
