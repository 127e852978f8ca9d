"""The export's fast path (SQLite writes the lines) gives the same text as the records."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text

from outreach.exchange.bundle import BundleChunk, csv_row
from tests.engagements.conftest import stall
from tests.hq.conftest import full_record


def _reference(exporter, since=None) -> tuple[list[str], list[str], dict]:
    chunk = BundleChunk()
    for record in exporter.records(since):
        chunk.add(record)
    return chunk.lines, chunk.table, chunk.counts


def _fast(exporter, since=None, size=7) -> tuple[list[str], list[str], dict]:
    lines, table, counts = [], [], {}
    for chunk in exporter.chunks(since, size=size):
        lines += chunk.lines
        table += chunk.table
        for name, n in chunk.counts.items():
            counts[name] = counts.get(name, 0) + n
    return lines, table, counts


@pytest.fixture
def odd_laptop(laptops):
    """A laptop whose log holds the usual records and every odd value the fast path skips."""
    from outreach.engagements.demo import generate

    north = laptops[0]
    s = north.services
    generate(s.engine, s.engagements.vocab, s.engagements.laptop_id, 60, seed=5)
    engagements = s.engagements
    engagements.create(full_record())  # a contact consented for HQ and one not
    for venue in ('Quote " and, comma', "Line\nbreak\r\nand tab\t", "Ünïcödé ✓ \u2028 😀",
                  "back\\slash \x01 control", ""):  # fmt: skip
        engagements.create(stall(venue=venue, officer='PC "Q", Jr', notes='a\\b\n"c"'))
    dead = engagements.create(stall(venue="Deleted, soon"))
    engagements.delete(dead)
    odd = [engagements.create(stall(venue=f"Odd {n}")) for n in range(7)]
    with s.engine.begin() as c:
        c.execute(text("UPDATE engagement SET strands = ' cyber-fraud  burglary-robbery '"
                       " WHERE id = :i"), {"i": odd[0]})  # fmt: skip
        c.execute(text("UPDATE engagement SET updated_at = '2026-11-20 10:00:00.250000'"
                       " WHERE id = :i"), {"i": odd[1]})  # fmt: skip
        c.execute(text("UPDATE engagement SET people_engaged = 2.5 WHERE id = :i"),
                  {"i": odd[2]})  # fmt: skip
        c.execute(text("UPDATE engagement SET audiences = 'older\u00a0people' WHERE id = :i"),
                  {"i": odd[3]})  # fmt: skip
        c.execute(text("UPDATE engagement SET partners = 'a,b' WHERE id = :i"), {"i": odd[4]})
        c.execute(text("UPDATE engagement SET ends_at = NULL, doors_knocked = 7 WHERE id = :i"),
                  {"i": odd[5]})  # fmt: skip
        c.execute(text("UPDATE engagement SET strands = 'cyber-fraud\nburglary-robbery'"
                       " WHERE id = :i"), {"i": odd[6]})  # fmt: skip
    return north


def test_the_fast_path_writes_what_the_records_would(odd_laptop, monkeypatch):
    exporter = odd_laptop.exporter
    expected = _reference(exporter)
    assert len(expected[0]) == 60 + 1 + 5 + 1 + 7
    in_python = []
    one = exporter._one
    monkeypatch.setattr(exporter, "_one", lambda c, ident: in_python.append(ident) or one(c, ident))
    for size in (1, 7, 2000):
        assert _fast(exporter, size=size) == expected
    # the odd five and the one with contacts (and demo surveys) were built in Python only
    assert 6 <= len(in_python) // 3 <= 30
    assert expected[2]["contacts"] == 1 and expected[2]["tombstones"] >= 1
    for line in expected[0]:
        json.loads(line)  # every line is JSON


def test_the_fast_path_of_an_incremental_export(odd_laptop):
    exporter = odd_laptop.exporter
    since = (dt.datetime.now() - dt.timedelta(hours=1)).replace(microsecond=0).isoformat()
    expected = _reference(exporter, since)
    assert 0 < len(expected[0])
    assert _fast(exporter, since) == expected
    future = (dt.datetime.now() + dt.timedelta(days=1)).replace(microsecond=0).isoformat()
    assert _fast(exporter, future)[:2] == _reference(exporter, future)[:2] == ([], [])


def test_csv_row_quotes_like_the_csv_module():
    record = {"tombstone": True, "id": 'a"b', "version": 2, "updated_at": "2026-01-01T00:00:00"}
    assert csv_row(record) == '"a""b",2,1' + "," * 18 + ",2026-01-01T00:00:00"
