"""HQ on a real PostgreSQL server (``OUTREACH_TEST_PG_URL``; mandatory when CI sets
``OUTREACH_REQUIRE_PG``): the same merge, the same refusals, the same reports."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from outreach.hq.report import summarise, write_report
from outreach.hq.schema import metadata
from tests.hq.conftest import dump, enrol_all, history_bundles, hq_service, pg_url


@pytest.fixture
def pg():
    url = pg_url()
    if not url:
        pytest.skip("no PostgreSQL server configured (set OUTREACH_TEST_PG_URL)")
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    yield url
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()


def test_postgres_merges_like_sqlite_in_any_order(tmp_path, laptops, hq_folder, pg):
    bundles = history_bundles(tmp_path, laptops)
    lite = hq_service(hq_folder, f"sqlite:///{tmp_path / 'lite.db'}")
    enrol_all(lite, laptops)
    assert all(o.ok for o in lite.import_bundles(bundles))
    expected = dump(lite.engine)
    for order in (bundles, list(reversed(bundles))):
        metadata.drop_all(create_engine(pg))
        service = hq_service(hq_folder, pg)
        assert service.engine.dialect.name == "postgresql"
        enrol_all(service, laptops)
        assert all(o.ok for o in service.import_bundles(order))
        assert all(o.ok for o in service.import_bundles(order))
        assert dump(service.engine) == expected
        service.engine.dispose()


def test_postgres_refuses_a_tampered_bundle_and_stays_unchanged(tmp_path, laptops, hq_folder, pg):
    bundles = history_bundles(tmp_path, laptops)
    service = hq_service(hq_folder, pg)
    enrol_all(service, laptops)
    assert service.import_bundles(bundles[:2])[0].ok
    before = dump(service.engine)
    data = bytearray(bundles[2].read_bytes())
    data[-5] ^= 0x40
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(bytes(data))
    outcome = service.import_bundles([bad])[0]
    assert not outcome.ok and "altered" in outcome.error
    assert dump(service.engine) == before
    service.engine.dispose()


def test_postgres_reports(tmp_path, laptops, hq_folder, pg):
    service = hq_service(hq_folder, pg)
    enrol_all(service, laptops)
    service.import_bundles(history_bundles(tmp_path, laptops))
    assert summarise(service.engine, include_demo=True).engagements == 80
    summary = summarise(service.engine)  # demo engagements left out (IS NOT TRUE here)
    assert summary.demo_left_out > 0
    assert summary.engagements + summary.demo_left_out == 80
    for suffix in (".xlsx", ".csv", ".pdf"):
        write_report(service.engine, tmp_path / f"r{suffix}", include_demo=True)
        assert (tmp_path / f"r{suffix}").stat().st_size > 1000
    service.engine.dispose()
