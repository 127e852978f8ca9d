"""Fixtures for export and HQ: two laptops with records, and an HQ with both enrolled."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from outreach.engagements.demo import generate
from outreach.engagements.model import ConcernLine, ContactLine, FollowUpLine, LeafletLine
from outreach.exchange.export import ExportService
from outreach.exchange.keys import init_hq_key
from outreach.hq.merge import HqService
from outreach.hq.schema import CHILD_TABLES, bundle, engagement, hq_engine
from outreach.services import RecordServices, record_services
from outreach.settings import Settings
from outreach.storage.database import open_database
from tests.engagements.conftest import stall


@dataclass
class Laptop:
    folder: Path
    services: RecordServices
    exporter: ExportService

    def export(self, out: Path, full: bool = False) -> Path:
        self.exporter.export(out, full=full)
        return out


def make_laptop(root: Path, name: str, library, hq_key_file: Path) -> Laptop:
    folder = root / name
    folder.mkdir(parents=True)
    engine = open_database(folder)
    services = record_services(engine, library, Settings(officer_name=f"PC {name}"))
    exporter = ExportService(
        engine, folder, services.engagements.actor, services.surveys.checklists
    )
    exporter.hq_key(hq_key_file)  # kept for later exports
    return Laptop(folder, services, exporter)


@pytest.fixture
def hq_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "hq"
    init_hq_key(folder)
    return folder


@pytest.fixture
def laptops(tmp_path: Path, library, hq_folder: Path):
    made = [
        make_laptop(tmp_path, name, library, hq_folder / "hq" / "hq-public.json")
        for name in ("north", "south")
    ]
    yield made
    for item in made:
        item.services.close()


def enrol_all(service: HqService, laptops: list[Laptop]) -> None:
    for item in laptops:
        service.enrol(item.exporter.laptop_key())


def hq_service(folder: Path, url: str | None = None) -> HqService:
    return HqService(hq_engine(url or f"sqlite:///{folder / 'hq.db'}"), folder)


def full_record(**changes):
    """A stall with leaflets, a concern, a follow-up and a contact consented for HQ."""
    data = stall(**changes)
    data.leaflets = [LeafletLine("doorstep-crime", "pl", 5), LeafletLine("doorstep-crime", "en", 3)]
    data.concerns = [ConcernLine("Cold callers on Elm Road", "Leaflet drop done", "done")]
    data.follow_ups = [FollowUpLine("Call back about the stickers", dt.date(2026, 12, 1))]
    data.contacts = [
        ContactLine(
            name="Ann Example",
            purpose="Follow-up call from HQ's partnerships team",
            consent_version="v1",
            consent_taken_by="PC north",
            retain_until=dt.date.today() + dt.timedelta(days=90),
            phone="01234 567890",
        ),
        ContactLine(
            name="Bob Private",
            purpose="Call back about a bike marking slot",
            consent_version="v1",
            consent_taken_by="PC north",
            retain_until=dt.date.today() + dt.timedelta(days=90),
            email="bob@example.org",
        ),
    ]
    return data


def history_bundles(tmp_path: Path, laptops: list[Laptop]) -> list[Path]:
    """Bundles from two laptops over time: creations, then edits and deletions."""
    bundles = []
    for number, item in enumerate(laptops):
        generate(
            item.services.engine,
            item.services.engagements.vocab,
            item.services.engagements.laptop_id,
            40,
            seed=number + 1,
        )
        old = dt.datetime(2021, 5, 1, 10, 0)  # older than any demo record: never edited below
        item.services.engagements.create(
            full_record(starts_at=old, ends_at=old + dt.timedelta(hours=2))
        )
    for item in laptops:
        bundles.append(item.export(tmp_path / f"{item.folder.name}-1.bundle"))
    for item in laptops:
        service = item.services.engagements
        ids = [r.id for r in service.rows(limit=6)]
        service.update(ids[0], stall(venue="Renamed after the first export", people_engaged=99))
        service.add_people(ids[1], 5)
        service.delete(ids[2])
        service.record_leaflets(ids[3], "doorstep-crime", "ro", 4)
        created = service.create(stall(venue="Made after the first export"))
        service.delete(created)  # made and deleted between exports: a tombstone only
        bundles.append(item.export(tmp_path / f"{item.folder.name}-2.bundle"))
    for item in laptops:
        ids = [r.id for r in item.services.engagements.rows(limit=1)]
        item.services.engagements.update(ids[0], stall(venue="Edited twice", people_engaged=7))
        bundles.append(item.export(tmp_path / f"{item.folder.name}-3.bundle"))
    return bundles


def dump(engine: Engine) -> dict:
    """Every HQ table's rows (sorted), the bundle register without its import times."""
    with engine.connect() as connection:
        document = {
            table.name: sorted(
                tuple(str(v) for v in row) for row in connection.execute(select(table))
            )
            for table in (engagement, *CHILD_TABLES)
        }
        document["bundles"] = sorted(
            tuple(r) for r in connection.execute(select(bundle.c.sha256, bundle.c.records))
        )
    return document


def pg_url() -> str | None:
    url = os.environ.get("OUTREACH_TEST_PG_URL")
    if not url and os.environ.get("OUTREACH_REQUIRE_PG"):
        pytest.fail("OUTREACH_REQUIRE_PG is set but OUTREACH_TEST_PG_URL is not")
    return url


def jsonl(records: list[dict]) -> bytes:
    return ("\n".join(json.dumps(r) for r in records) + "\n").encode()
