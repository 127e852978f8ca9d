"""A process killed while writing leaves a valid database and a recoverable draft."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from outreach.storage.database import DB_FILE, open_database

WRITER = r"""
import datetime as dt, sys
from pathlib import Path
from outreach.engagements.model import EngagementData
from outreach.engagements.service import DraftStore, EngagementService, Vocabulary
from outreach.storage.database import make_engine

engine = make_engine(Path(sys.argv[1]))
vocab = Vocabulary(frozenset({"chelmsford"}), frozenset(), frozenset(), frozenset(), frozenset())
log = EngagementService(engine, "laptop", "PC Test", vocab)
drafts = DraftStore(engine)
n = 0
while True:
    n += 1
    drafts.save("editor", {"venue": f"Typed so far {n}", "notes": "x" * 2000})
    ident = log.create(EngagementData(kind="stall", starts_at=dt.datetime(2026, 1, 1),
                                      district="chelmsford", venue=f"Stall {n}"))
    print(ident, flush=True)
"""


def test_killed_writers_lose_nothing_committed(tmp_path: Path):
    engine = open_database(tmp_path)  # create and migrate first, as the app does
    engine.dispose()
    rng = random.Random(11)
    committed: list[str] = []
    for _round in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path / DB_FILE)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        first = child.stdout.readline()  # started writing (imports take a while)
        time.sleep(rng.uniform(0.05, 0.6))  # then die at a random moment mid-write
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        committed += (first + out).split()
    # Each writer reported at least its first commit before it was killed (a busy machine
    # may allow no more than that in the time before the kill).
    assert len(committed) >= 4, "the writers made progress"
    with sqlite3.connect(tmp_path / DB_FILE) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in db.execute("SELECT id FROM engagement")}
        draft = db.execute("SELECT payload FROM draft WHERE key = 'editor'").fetchone()[0]
    db.close()
    assert set(committed) <= stored, "every engagement reported as saved is there"
    assert json.loads(draft)["venue"].startswith("Typed so far"), "the draft is recoverable"
