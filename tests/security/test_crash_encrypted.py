"""An encrypted database survives a writer killed at random moments, hundreds of times.

A "fork server" child imports everything once, then forks one writer per round, so a
round costs milliseconds rather than a Python start-up. Each writer creates engagements
and, after each commit, appends the id to a log file; the test kills it with SIGKILL
after a random delay. At the end every id reported committed must be in the database
and the database must pass its integrity check. ``OUTREACH_CRASH_ROUNDS`` sets the
number of kills (default 100; the note of issue 7 reports a longer run).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from outreach.security.vault import set_passphrase
from outreach.storage import crypto
from outreach.storage.database import DB_FILE, open_database

ROUNDS = int(os.environ.get("OUTREACH_CRASH_ROUNDS", "100"))
PASS = "crash test passphrase"

FORK_SERVER = r"""
import datetime as dt, os, signal, sys
from pathlib import Path
from outreach.engagements.model import EngagementData
from outreach.engagements.service import DraftStore, EngagementService, Vocabulary
from outreach.storage.database import make_engine

signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed writers are reaped at once
db, key, logs = Path(sys.argv[1]), bytes.fromhex(sys.argv[2]), Path(sys.argv[3])
vocab = Vocabulary(frozenset({"chelmsford"}), frozenset(), frozenset(), frozenset(), frozenset())
# Warm up once (mappers, compiled SQL) so a forked writer starts writing at once.
warm = make_engine(db, key)
EngagementService(warm, "laptop", "PC Test", vocab).create(
    EngagementData(kind="stall", starts_at=dt.datetime(2026, 1, 1), district="chelmsford",
                   venue="Stall warm-up"))
DraftStore(warm).save("editor", {"venue": "Typed so far warm-up"})
warm.dispose()
print("ready", flush=True)
for line in sys.stdin:
    round_no = int(line)
    pid = os.fork()
    if pid:
        print(pid, flush=True)
        continue
    engine = make_engine(db, key)
    log = EngagementService(engine, "laptop", "PC Test", vocab)
    drafts = DraftStore(engine)
    with open(logs / f"{round_no}.ids", "a", buffering=1) as out:
        n = 0
        while True:
            n += 1
            drafts.save("editor", {"venue": f"Typed so far {round_no}/{n}"})
            ident = log.create(EngagementData(kind="stall", starts_at=dt.datetime(2026, 1, 1),
                                              district="chelmsford", venue=f"Stall {round_no}/{n}"))
            out.write(ident + "\n")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (the crash test runs on Linux)")
def test_writers_killed_at_random_lose_no_committed_engagement(tmp_path: Path):
    open_database(tmp_path).dispose()
    key = set_passphrase(tmp_path, PASS)
    logs = tmp_path / "committed"
    logs.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-c", FORK_SERVER, str(tmp_path / DB_FILE), key.hex(), str(logs)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout.readline().strip() == "ready"
    rng = random.Random(7)
    started = time.monotonic()
    try:
        for round_no in range(ROUNDS):
            server.stdin.write(f"{round_no}\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            time.sleep(rng.uniform(0.0, 0.2))  # anywhere: opening, mid-write, committing
            os.kill(pid, signal.SIGKILL)
    finally:
        server.stdin.close()
        server.wait(30)
    elapsed = time.monotonic() - started
    committed = [i for f in logs.glob("*.ids") for i in f.read_text().split()]
    print(f"{ROUNDS} kills in {elapsed:.1f} s; {len(committed)} engagements reported committed")
    assert len(committed) > ROUNDS // 5, "the writers made progress between kills"

    path = tmp_path / DB_FILE
    assert crypto.quick_check(path, key) == "ok"
    connection = crypto.connect(path, key)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in connection.execute("SELECT id FROM engagement")}
    finally:
        connection.close()
    missing = set(committed) - stored
    assert not missing, f"{len(missing)} committed engagements lost"
    assert no_record_text(path)
    open_database(tmp_path, passphrase=PASS).dispose()  # and the app opens it as usual


def no_record_text(path: Path) -> bool:
    """No record text in the raw file (nor in its log) after all that."""
    raw = path.read_bytes() + (
        Path(f"{path}-wal").read_bytes() if Path(f"{path}-wal").exists() else b""
    )
    return b"Stall " not in raw and b"Typed so far" not in raw
