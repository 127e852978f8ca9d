"""The export's fast path (SQLite writes the lines) gives the same text as the records."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text

from outreach.exchange import rendered
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


# -- text kept when an engagement is saved ------------------------------------------------


def _kept(engine) -> dict[str, tuple]:
    with engine.connect() as c:
        return {
            row[0]: tuple(row[1:])
            for row in c.exec_driver_sql(
                "SELECT engagement_id, version, format, tombstone, line FROM export_text"
            )
        }


def test_every_change_keeps_the_engagement_text_an_export_would_write(laptops):
    s = laptops[0].services
    engagements, exporter = s.engagements, laptops[0].exporter
    ident = engagements.create(stall())
    version = engagements.update(ident, stall(venue="Moulsham Street"))
    engagements.add_people(ident, 3)
    engagements.record_leaflets(ident, "doorstep-crime", "en", 5)
    gone = engagements.create(stall(venue="Gone soon"))
    engagements.delete(gone)
    kept = _kept(s.engine)
    assert kept[ident][0] == version + 2 and kept[gone][0] == 2 and kept[gone][2] == 1
    assert {k[1] for k in kept.values()} == {rendered.TEXT_VERSION}
    # the kept line is the one the record would be written as
    expected = dict(zip(*_reference(exporter)[:2], strict=True))
    assert {line.encode() for _v, _f, _t, line in kept.values()} == {
        line for line in expected if json.loads(line)["id"] in (ident, gone)
    }


def test_an_export_reads_the_kept_text(laptops):
    s = laptops[0].services
    ident = s.engagements.create(stall())
    with s.engine.begin() as c:
        c.exec_driver_sql(
            "UPDATE export_text SET line = '{\"kept\":1}', row = 'kept' WHERE engagement_id = ?",
            (ident,),
        )
    lines, table, _counts = _fast(laptops[0].exporter)
    assert lines == [b'{"kept":1}'] and table == [b"kept"]


@pytest.mark.parametrize(
    "spoil",
    [
        "UPDATE export_text SET version = version - 1",  # of an older version
        f"UPDATE export_text SET format = {rendered.TEXT_VERSION + 1}",  # by another release
    ],
)
def test_kept_text_of_another_version_is_written_again(laptops, spoil):
    s = laptops[0].services
    s.engagements.create(stall())
    expected = _reference(laptops[0].exporter)
    with s.engine.begin() as c:
        c.exec_driver_sql(spoil)
        c.exec_driver_sql("UPDATE export_text SET line = 'stale', row = 'stale'")
    assert _fast(laptops[0].exporter) == expected


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE engagement SET venue = 'Changed by hand'",
        "UPDATE leaflet_count SET count = count + 1",
        "DELETE FROM leaflet_count",
        "INSERT INTO leaflet_count VALUES ((SELECT id FROM engagement), 'scams', 'pl', 4)",
        "UPDATE concern SET status = 'done'",
        "DELETE FROM follow_up",
    ],
)
def test_any_write_to_an_engagement_or_its_rows_forgets_its_kept_text(laptops, change):
    s = laptops[0].services
    data = full_record()
    data.contacts = []  # (contacts are always checked at export: none kept)
    ident = s.engagements.create(data)
    assert ident in _kept(s.engine)
    with s.engine.begin() as c:
        c.exec_driver_sql(change)
    assert ident not in _kept(s.engine)
    assert _fast(laptops[0].exporter) == _reference(laptops[0].exporter)


def test_the_demo_keeps_its_text_and_an_export_of_it_matches(laptops):
    from outreach.engagements.demo import generate

    s = laptops[0].services
    generate(s.engine, s.engagements.vocab, s.engagements.laptop_id, 40, seed=3)
    with s.engine.connect() as c:
        usable = c.exec_driver_sql("SELECT count(*) FROM export_text").scalar_one()
        surveyed = c.exec_driver_sql("SELECT count(*) FROM survey").scalar_one()
    assert usable == 40 - surveyed > 30
    assert _fast(laptops[0].exporter, size=9) == _reference(laptops[0].exporter)


@pytest.mark.parametrize(
    "forget", ["rowid % 3 = 0", "rowid % 3 > 0", "1", "rowid < 30", "rowid > 30"]
)
def test_a_log_partly_kept_exports_the_same_text(odd_laptop, forget):
    """Mostly kept at first: kept text plus the rest written; not: all written in one pass."""
    exporter = odd_laptop.exporter
    expected = _reference(exporter)
    with odd_laptop.services.engine.begin() as c:
        c.exec_driver_sql(f"DELETE FROM export_text WHERE {forget}")
    for size in (1, 7, 2000):
        assert _fast(exporter, size=size) == expected
