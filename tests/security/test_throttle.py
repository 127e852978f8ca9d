"""Wrong passphrases in a row slow further tries down, across restarts, without sleeping."""

from __future__ import annotations

import pytest

from outreach.security.throttle import FREE_TRIES, MAX_DELAY, Throttle, TooManyTries, delay_after
from outreach.security.vault import set_passphrase
from outreach.storage.database import (
    TooManyTriesError,
    WrongPassphrase,
    audit_trail,
    open_database,
)

PASS = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_delay_grows_and_is_capped():
    assert [delay_after(n) for n in range(FREE_TRIES)] == [0.0] * FREE_TRIES
    delays = [delay_after(n) for n in range(FREE_TRIES, FREE_TRIES + 12)]
    assert delays == sorted(delays) and delays[0] > 0 and delays[-1] == MAX_DELAY


def test_wrong_passphrases_slow_down_and_survive_a_restart(tmp_path):
    set_passphrase(tmp_path, PASS)
    clock = Clock()
    for _ in range(FREE_TRIES):
        with pytest.raises(WrongPassphrase):
            open_database(tmp_path, passphrase="wrong guess", clock=clock)
    # a "restart": a new throttle reads the same file
    with pytest.raises(TooManyTriesError, match="Try again in") as caught:
        open_database(tmp_path, passphrase=PASS, clock=clock)
    assert caught.value.wait == pytest.approx(delay_after(FREE_TRIES))
    clock.now += caught.value.wait - 1
    with pytest.raises(TooManyTriesError):
        open_database(tmp_path, passphrase=PASS, clock=clock)
    clock.now += 1
    engine = open_database(tmp_path, passphrase=PASS, clock=clock)
    failures = [e for e in audit_trail(engine) if e.action == "unlock-failed"]
    engine.dispose()
    assert len(failures) == FREE_TRIES, "each wrong try is in the audit trail"
    assert Throttle(tmp_path, clock).wait() == 0, "a right passphrase resets the count"


def test_a_damaged_counter_is_no_way_round_the_wait(tmp_path):
    clock = Clock()
    throttle = Throttle(tmp_path, clock)
    throttle.path.write_text("{not json", encoding="utf-8")
    clock.now = throttle.path.stat().st_mtime
    with pytest.raises(TooManyTries):
        throttle.check()
