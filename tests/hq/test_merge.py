"""HQ merges bundles from many laptops in any order, any number of times, identically."""

from __future__ import annotations

import itertools
import json
import random

from sqlalchemy import select

from outreach.hq.merge import totals
from outreach.hq.schema import contact, engagement, leaflet
from tests.hq.conftest import dump, enrol_all, history_bundles, hq_service


def test_every_order_and_twice_gives_the_same_database(tmp_path, laptops, hq_folder):
    bundles = history_bundles(tmp_path, laptops)
    assert len(bundles) == 6
    orders = [bundles, list(reversed(bundles))]
    rng = random.Random(7)
    for _ in range(4):
        shuffled = bundles[:]
        rng.shuffle(shuffled)
        orders.append(shuffled)
    # every order of the first bundles of each laptop against the rest
    orders += [list(p) + bundles[2:] for p in itertools.permutations(bundles[:2])]
    dumps = []
    for number, order in enumerate(orders):
        service = hq_service(hq_folder, f"sqlite:///{tmp_path / f'hq-{number}.db'}")
        enrol_all(service, laptops)
        first = service.import_bundles(order)
        assert all(o.ok for o in first), [o.error for o in first]
        again = service.import_bundles(order)
        counts = totals(again)
        assert counts["new"] == counts["updated"] == counts["deleted"] == 0, counts
        assert counts["unchanged"] > 0
        dumps.append(dump(service.engine))
        service.engine.dispose()
    assert all(d == dumps[0] for d in dumps[1:])
    rows = dumps[0]["hq_engagement"]
    assert len(rows) == 2 * (40 + 1 + 1)  # demo + full record + made-and-deleted, per laptop


def test_highest_version_wins_and_tombstones_delete(tmp_path, laptops, hq_folder):
    bundles = history_bundles(tmp_path, laptops)
    service = hq_service(hq_folder)
    enrol_all(service, laptops)
    # the newest bundles first: older copies arriving later change nothing
    outcomes = service.import_bundles(list(reversed(bundles)))
    assert all(o.ok for o in outcomes)
    north = laptops[0].services.engagements
    with service.engine.connect() as c:
        hq = {r.id: r for r in c.execute(select(engagement))}
        for row in north.rows(limit=1000):
            record = north.get(row.id)
            assert hq[row.id].version == record.version
            assert hq[row.id].venue == record.data.venue
        deleted = [r for r in hq.values() if r.deleted]
        assert len(deleted) == 4  # one deleted and one made-and-deleted per laptop
        assert all(r.venue is None for r in deleted)  # a tombstone carries no content
        dead = {r.id for r in deleted}
        assert not [r for r in c.execute(select(leaflet)) if r.engagement_id in dead]


def test_counts_new_updated_unchanged_deleted(tmp_path, laptops, hq_folder):
    bundles = history_bundles(tmp_path, laptops)
    service = hq_service(hq_folder)
    enrol_all(service, laptops)
    first = service.import_bundles(bundles[:1])[0]
    assert first.counts == {"new": 41, "updated": 0, "unchanged": 0, "deleted": 0, "rejected": 0}
    second = service.import_bundles(bundles[2:3])[0]  # north's edits
    assert second.counts["updated"] == 3  # renamed, tally, leaflets
    assert second.counts["deleted"] == 2  # one deleted, one made and deleted
    assert second.counts["new"] == 0


def test_contacts_reach_hq_only_when_consent_names_hq(tmp_path, laptops, hq_folder):
    bundles = history_bundles(tmp_path, laptops)
    service = hq_service(hq_folder)
    enrol_all(service, laptops)
    service.import_bundles(bundles)
    with service.engine.connect() as c:
        names = sorted(r.name for r in c.execute(select(contact)))
    assert names == ["Ann Example", "Ann Example"]
    text = b"".join(p.read_bytes() for p in bundles)
    assert b"Bob Private" not in text and b"Ann Example" not in text  # encrypted


def test_survey_results_travel(tmp_path, laptops, hq_folder):
    from outreach.engagements.model import Kind
    from tests.engagements.conftest import stall

    north = laptops[0].services
    visit = north.engagements.create(stall(kind=Kind.PREMISES_VISIT, venue="Corner shop"))
    sector = sorted(north.surveys.checklists)[0]
    survey = north.surveys.start(visit, sector, "Corner Shop Ltd")
    question = north.surveys.checklists[sector].questions[0]
    north.surveys.answer(survey, question.id, "no")
    north.surveys.complete(survey)
    bundle = laptops[0].export(tmp_path / "survey.bundle")
    service = hq_service(hq_folder)
    enrol_all(service, laptops)
    assert service.import_bundles([bundle])[0].ok
    with service.engine.connect() as c:
        stored = c.execute(select(engagement.c.survey).where(engagement.c.id == visit)).scalar()
    survey_json = json.loads(stored)
    assert survey_json["business_name"] == "Corner Shop Ltd"
    assert survey_json["status"] == "complete" or survey_json["completed_at"]
    assert survey_json["result"]["answered"] == 1


def test_an_hq_database_from_a_newer_outreach_is_refused_untouched(tmp_path):
    import pytest
    from sqlalchemy import update

    from outreach.hq.schema import NewerHqSchemaError, hq_engine, hq_meta

    url = f"sqlite:///{tmp_path / 'hq.db'}"
    engine = hq_engine(url)
    with engine.begin() as c:
        c.execute(update(hq_meta).where(hq_meta.c.key == "schema_version").values(value="99"))
    engine.dispose()
    with pytest.raises(NewerHqSchemaError, match="schema 99"):
        hq_engine(url)


def test_a_refused_bundle_between_others_and_a_cancelled_run(tmp_path, laptops, hq_folder):
    """The next bundle is read while one merges: refusals, progress and cancelling keep
    to the order given."""
    bundles = history_bundles(tmp_path, laptops)
    junk = tmp_path / "junk.bundle"
    junk.write_bytes(b"not a bundle")
    service = hq_service(hq_folder)
    enrol_all(service, laptops)
    seen = []
    outcomes = service.import_bundles(
        [bundles[0], junk, bundles[1]], progress=lambda n, total, o: seen.append((n, o.path))
    )
    assert [o.ok for o in outcomes] == [True, False, True]
    assert seen == [(1, bundles[0]), (2, junk), (3, bundles[1])]
    cancelled = service.import_bundles(bundles[2:], cancelled=lambda: len(seen) >= 4,
                                       progress=lambda n, total, o: seen.append(n))  # fmt: skip
    assert [o.path for o in cancelled] == [bundles[2]]
    expected = hq_service(hq_folder, f"sqlite:///{tmp_path / 'expected.db'}")
    enrol_all(expected, laptops)
    assert all(o.ok for o in expected.import_bundles(bundles[:3]))
    assert dump(service.engine) == dump(expected.engine)
