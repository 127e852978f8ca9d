"""The merge done by the database (outreach.hq.staged) against the merge in Python: the same
database, the same counts, the same refusals, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import create_engine

from outreach.exchange.bundle import BundleError
from outreach.exchange.envelope import open_sealed
from outreach.exchange.keys import hq_private_key, laptop_signing_key
from outreach.hq import staged
from outreach.hq.merge import totals
from outreach.hq.schema import metadata
from tests.hq.conftest import dump, enrol_all, history_bundles, hq_service, jsonl, pg_url
from tests.hq.test_bad_input import _resign, _sealed, _zip


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hq-staged.db'}"
        return
    pg = pg_url()
    if not pg:
        pytest.skip("no PostgreSQL server configured (set OUTREACH_TEST_PG_URL)")
    metadata.drop_all(create_engine(pg))
    yield pg
    metadata.drop_all(create_engine(pg))


@pytest.fixture
def spy(monkeypatch):
    """Which bundles the database merged (True) or left to Python (False)."""
    seen: list[bool] = []
    merge = staged.merge

    def spying(connection, verified):
        try:
            result = merge(connection, verified)
        except BundleError:
            seen.append(True)  # refused by the database's merge itself
            raise
        seen.append(result is not None)
        return result

    monkeypatch.setattr(staged, "merge", spying)
    return seen


def test_the_database_merges_like_python(tmp_path, laptops, hq_folder, url, spy, monkeypatch):
    bundles = history_bundles(tmp_path, laptops)
    order = bundles[3:] + bundles[:3]
    service = hq_service(hq_folder, url)
    enrol_all(service, laptops)
    fast = [service.import_bundles(order), service.import_bundles(order)]
    assert spy == [True] * 12, "a genuine bundle was left to Python"
    fast_dump = dump(service.engine)
    service.engine.dispose()

    monkeypatch.setattr(staged, "supported", lambda connection: False)
    metadata.drop_all(create_engine(url))
    service = hq_service(hq_folder, url)
    enrol_all(service, laptops)
    slow = [service.import_bundles(order), service.import_bundles(order)]
    assert dump(service.engine) == fast_dump
    for a, b in zip(fast, slow, strict=True):
        assert [o.counts for o in a] == [o.counts for o in b]
    assert totals(fast[0])["deleted"] == 4 and totals(fast[1])["unchanged"] > 0
    service.engine.dispose()


def _both_ways(path, hq_folder, laptops, url, monkeypatch) -> list[tuple]:
    """Import ``path`` into an empty HQ by the database, then in Python: each outcome and
    the tables it left."""
    done = []
    for in_database in (True, False):
        if not in_database:
            monkeypatch.setattr(staged, "supported", lambda connection: False)
        metadata.drop_all(create_engine(url))
        service = hq_service(hq_folder, url)
        enrol_all(service, laptops)
        outcome = service.import_bundles([path])[0]
        done.append((outcome, dump(service.engine)))
        service.engine.dispose()
    return done


def _forged(tmp_path, hq_folder, north, change, edit=None) -> object:
    """North's next bundle with its records changed by ``change`` (and the JSON lines'
    bytes by ``edit``), signed by north."""
    from tests.engagements.conftest import stall

    north.services.engagements.create(stall(venue="Another"))
    north.services.engagements.create(stall(venue="And another"))
    plain = open_sealed(
        north.export(tmp_path / "next.bundle").read_bytes(), hq_private_key(hq_folder)
    )
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    records = [json.loads(line) for line in members["engagements.jsonl"].splitlines()]
    lines = jsonl(change(records))
    if edit is not None:
        lines = edit(lines)
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["engagements.jsonl"] = {
        "sha256": hashlib.sha256(lines).hexdigest(),
        "size": len(lines),
    }
    signed = _resign(
        {**members, "engagements.jsonl": lines}, manifest, laptop_signing_key(north.folder)
    )
    return _sealed(tmp_path, hq_folder, _zip(signed), "forged.bundle")


@pytest.fixture
def loaded(tmp_path, laptops, hq_folder, url):
    """HQ holding both laptops' first bundles."""
    bundles = history_bundles(tmp_path, laptops)
    service = hq_service(hq_folder, url)
    enrol_all(service, laptops)
    assert all(o.ok for o in service.import_bundles(bundles[:2]))
    yield service
    service.engine.dispose()


def _refused(service, path, *phrases) -> None:
    before = dump(service.engine)
    outcome = service.import_bundles([path])[0]
    assert not outcome.ok, "the bad bundle was accepted"
    for phrase in phrases:
        assert phrase in outcome.error, outcome.error
    assert dump(service.engine) == before


def test_a_record_missing_a_field_is_refused(tmp_path, laptops, hq_folder, loaded, spy):
    def drop_district(records):
        del records[-1]["district"]
        return records

    path = _forged(tmp_path, hq_folder, laptops[0], drop_district)
    _refused(loaded, path, "malformed", "district")
    assert spy[-1] is False  # the database saw it was not of the usual shape


def test_a_record_of_the_wrong_type_is_refused(tmp_path, laptops, hq_folder, loaded, spy):
    def bad_leaflet(records):
        records[0]["leaflets"] = [{"topic": "x", "lang": "en", "count": "many"}]
        return records

    path = _forged(tmp_path, hq_folder, laptops[0], bad_leaflet)
    _refused(loaded, path, "malformed")
    assert spy[-1] is False


def test_a_record_of_another_laptops_id_is_refused_by_the_database(
    tmp_path, laptops, hq_folder, loaded, spy
):
    south = laptops[1].exporter.laptop_key().laptop_id
    south_id = next(row[0] for row in dump(loaded.engine)["hq_engagement"] if row[2] == south)

    def steal(records):
        records[-1]["id"] = south_id
        return records

    path = _forged(tmp_path, hq_folder, laptops[0], steal)
    _refused(loaded, path, south_id, "belongs to laptop", south)
    assert spy[-1] is True  # refused by the merge in the database, not left to Python


def test_the_highest_version_in_one_bundle_wins(tmp_path, laptops, hq_folder, loaded, spy):
    def twice(records):
        live = next(r for r in records if not r.get("tombstone"))
        newer = {**live, "version": live["version"] + 5, "venue": "Newest"}
        older = {**live, "version": live["version"] + 1, "venue": "Older"}
        return [newer, *records, older]

    path = _forged(tmp_path, hq_folder, laptops[0], twice)
    outcome = loaded.import_bundles([path])[0]
    assert outcome.ok, outcome.error
    assert spy[-1] is True
    venues = {row[8] for row in dump(loaded.engine)["hq_engagement"]}
    assert "Newest" in venues and "Older" not in venues


def test_optional_fields_left_out_merge_like_python(
    tmp_path, laptops, hq_folder, url, spy, monkeypatch
):
    from tests.hq.conftest import full_record

    laptops[0].services.engagements.create(full_record())

    def sparse(records):
        for record in records:
            for key in ("venue", "officer", "team", "notes", "people_engaged", "is_demo",
                        "ends_at", "strands", "created_at"):  # fmt: skip
                record.pop(key, None)
            for concern in record.get("concerns", ()):
                concern.pop("action", None)
                concern.pop("status", None)
            for contact in record.get("contacts", ()):
                for key in ("phone", "email", "consent_version", "consent_at"):
                    contact.pop(key, None)
        return records

    path = _forged(tmp_path, hq_folder, laptops[0], sparse)
    dumps = []
    for outcome, tables in _both_ways(path, hq_folder, laptops, url, monkeypatch):
        assert outcome.ok, outcome.error
        dumps.append((outcome.counts, tables))
    assert spy == [True]
    assert dumps[0] == dumps[1]
    assert dumps[0][1]["hq_contact"] and dumps[0][1]["hq_concern"]


@pytest.mark.parametrize(
    "key, elements",
    [
        ("strands", [5]),
        ("strands", [{"id": "x"}]),
        ("leaflets", ["not an object"]),
        ("leaflets", [{"topic": "x", "lang": "en"}]),
        ("leaflets", [{"topic": "x", "lang": "en", "count": 2.5}]),
        ("concerns", [{"id": "c", "position": 1.5, "raised": "r"}]),
        ("concerns", [{"id": "c", "raised": "r"}]),
        ("concerns", [{"id": "c", "position": 0, "raised": "r", "action": None}]),
        ("follow_ups", [{"id": "f", "position": 0, "description": 7}]),
        ("contacts", [{"id": "k", "name": "n", "purpose": "p", "retain_until": 3}]),
    ],
)
def test_a_list_element_of_another_shape_is_left_to_python(
    tmp_path, laptops, hq_folder, url, spy, monkeypatch, key, elements
):
    """The lists' elements are checked (on SQLite from the columns they are parsed into
    once): any element of another shape leaves the whole bundle to the merge in Python,
    which refuses or reads it, and nothing of it is merged by the database."""
    from tests.hq.conftest import full_record

    laptops[0].services.engagements.create(full_record())

    def odd(records):
        live = [r for r in records if not r.get("tombstone")]
        live[-1][key] = [*live[-1].get(key, []), *elements]
        return records

    path = _forged(tmp_path, hq_folder, laptops[0], odd)
    results = [
        (outcome.ok, outcome.error, outcome.counts, tables)
        for outcome, tables in _both_ways(path, hq_folder, laptops, url, monkeypatch)
    ]
    assert spy == [False]
    assert results[0] == results[1]


def test_list_elements_of_the_usual_shape_merge_like_python(
    tmp_path, laptops, hq_folder, url, spy, monkeypatch
):
    """Every kind of child row (strands repeated, leaflets of one topic and language
    summed, concerns, follow-ups, contacts) from the database as from Python, also when
    a newer version replaces them."""
    from tests.hq.conftest import full_record

    laptops[0].services.engagements.create(full_record())

    def rich(records):
        live = [r for r in records if not r.get("tombstone")]
        full = next(r for r in live if r.get("contacts"))
        full["strands"] = [*full.get("strands", []), "extra", "extra"]
        full["leaflets"] = [
            {"topic": "t", "lang": "en", "count": 2},
            {"topic": "t", "lang": "en", "count": 3},
            {"topic": "t", "lang": "cy", "count": 1},
        ]
        other = next(r for r in live if r is not full)
        newer = json.loads(json.dumps({**other, "version": other["version"] + 1}))
        other["strands"] = ["older"]
        newer["strands"] = ["newer"]
        return [*records, newer]

    path = _forged(tmp_path, hq_folder, laptops[0], rich)
    dumps = []
    for outcome, tables in _both_ways(path, hq_folder, laptops, url, monkeypatch):
        assert outcome.ok, outcome.error
        dumps.append((outcome.counts, tables))
    assert spy == [True]
    assert dumps[0] == dumps[1]
    tables = dumps[0][1]
    assert tables["hq_contact"] and tables["hq_concern"] and tables["hq_follow_up"]
    strands = [row[1] for row in tables["hq_engagement_strand"]]
    assert strands.count("extra") == 1 and "newer" in strands and "older" not in strands
    assert {(row[1], row[2], row[3]) for row in tables["hq_leaflet"]} >= {
        ("t", "en", "5"),
        ("t", "cy", "1"),
    }


def test_a_record_missing_its_version_is_refused(tmp_path, laptops, hq_folder, loaded, spy):
    """A missing integer is not of the usual shape (it is no NULL the database accepts)."""

    def no_version(records):
        del records[-1]["version"]
        return records

    path = _forged(tmp_path, hq_folder, laptops[0], no_version)
    _refused(loaded, path, "malformed")
    assert spy[-1] is False


@pytest.mark.parametrize("count", [10**12, 10**20])
def test_a_number_too_big_for_the_database_is_refused(tmp_path, laptops, hq_folder, loaded, count):
    """Out of the column's range (PostgreSQL integer; SQLite past 2**63): a refusal, not a
    crash that stops the bundles after it."""

    def huge(records):
        records[-1]["leaflets"] = [{"topic": "doorstep-crime", "lang": "en", "count": count}]
        return records

    path = _forged(tmp_path, hq_folder, laptops[0], huge)
    fine = loaded.import_bundles([path, path])  # the second must still be tried
    assert len(fine) == 2
    if all(outcome.ok for outcome in fine):  # SQLite stores 10**12
        assert count < 2**63 and "sqlite" in str(loaded.engine.url)
        return
    _refused(loaded, path, "does not fit", "nothing from it was imported")


def test_a_repeated_key_counts_as_in_python(tmp_path, laptops, hq_folder, url, spy, monkeypatch):
    """A key written twice in a record: the last one counts (Python's json, jsonb), in the
    merge in bulk as in the merge in Python."""

    def rename(records):
        records[-1]["venue"] = "Second"
        return records

    def repeat(lines):
        return lines.replace(b'"venue": "Second"', b'"venue": "First", "venue": "Second"', 1)

    path = _forged(tmp_path, hq_folder, laptops[0], rename, repeat)
    dumps = []
    for outcome, tables in _both_ways(path, hq_folder, laptops, url, monkeypatch):
        assert outcome.ok, outcome.error
        dumps.append((outcome.counts, tables))
    assert spy == [True]
    assert dumps[0] == dumps[1]
    venues = {row[8] for row in dumps[0][1]["hq_engagement"]}
    assert "Second" in venues and "First" not in venues


def test_a_lone_surrogate_is_refused(tmp_path, laptops, hq_folder, loaded):
    """A \\ud800 escape is valid JSON but no text a database stores: a refusal naming the
    file, with nothing imported (not a crash, nor text that cannot be read back)."""

    def surrogate(records):
        records[-1]["venue"] = "Hall \ud800"
        return records

    path = _forged(tmp_path, hq_folder, laptops[0], surrogate)
    _refused(loaded, path, path.name, "does not fit", "nothing from it was imported")


@pytest.mark.parametrize("batch", [1, 10**9])  # a commit after every bundle, or one for all
def test_a_refused_bundle_inside_a_batch(tmp_path, laptops, hq_folder, url, monkeypatch, batch):
    """Bundles share a transaction (SQLite), each in its own savepoint: one refused half-way
    through its merge leaves nothing, the bundles before and after it are kept, and the
    database is the one importing them one by one gives."""
    from sqlalchemy import event

    from outreach.hq import merge

    monkeypatch.setattr(merge, "BATCH_RECORDS", batch)
    bundles = history_bundles(tmp_path, laptops)

    def surrogate(records):
        records[-1]["venue"] = "Hall \ud800"  # refused at the last row inserted
        return records

    bad = _forged(tmp_path, hq_folder, laptops[0], surrogate)
    service = hq_service(hq_folder, url)
    enrol_all(service, laptops)
    commits = []
    event.listen(service.engine, "commit", lambda connection: commits.append(1))
    seen = []
    outcomes = service.import_bundles(
        [bundles[0], bad, bundles[1], bundles[2]], progress=lambda n, t, o: seen.append(n)
    )
    assert [o.ok for o in outcomes] == [True, False, True, True]
    assert seen == [1, 2, 3, 4]
    grouped = batch > 1 and "sqlite" in url
    # one commit for all, or one per bundle (the refused one's transaction goes on)
    assert len(commits) == (1 if grouped else 3)
    if "sqlite" in url:  # the import's larger page cache is given back
        with service.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -65536
    batched = dump(service.engine)
    service.engine.dispose()

    metadata.drop_all(create_engine(url))
    service = hq_service(hq_folder, url)
    enrol_all(service, laptops)
    one_by_one = [service.import_bundles([path])[0] for path in bundles[:3]]
    assert [o.counts for o in one_by_one] == [outcomes[0].counts, *(o.counts for o in outcomes[2:])]
    assert dump(service.engine) == batched
    service.engine.dispose()


def test_a_failure_inside_a_batch_keeps_the_bundles_before_it(
    tmp_path, laptops, hq_folder, monkeypatch
):
    """An error that is no refusal stops the import: the bundles merged before it (and
    reported) are committed, nothing of the failing one is."""
    from outreach.hq import merge

    monkeypatch.setattr(merge, "BATCH_RECORDS", 10**9)
    bundles = history_bundles(tmp_path, laptops)
    service = hq_service(hq_folder)
    enrol_all(service, laptops)
    merged = staged.merge

    def failing(connection, verified):
        result = merged(connection, verified)
        if verified.sha256 == bundles_sha[2]:
            raise RuntimeError("disk on fire")
        return result

    from outreach.exchange.bundle import read_bundle

    bundles_sha = [
        read_bundle(p, hq_private_key(hq_folder), service.laptop_key).sha256 for p in bundles
    ]
    monkeypatch.setattr(staged, "merge", failing)
    seen = []
    with pytest.raises(RuntimeError, match="disk on fire"):
        service.import_bundles(bundles[:4], progress=lambda n, t, o: seen.append(n))
    assert seen == [1, 2]
    kept = dump(service.engine)
    service.engine.dispose()

    monkeypatch.setattr(staged, "merge", merged)
    expected = hq_service(hq_folder, f"sqlite:///{tmp_path / 'expected.db'}")
    enrol_all(expected, laptops)
    assert all(o.ok for o in expected.import_bundles(bundles[:2]))
    assert dump(expected.engine) == kept
    expected.engine.dispose()
