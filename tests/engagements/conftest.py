"""Fixtures for the engagement log: a fresh database and its services per test."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.engagements.model import EngagementData, Kind
from outreach.services import record_services
from outreach.settings import Settings
from outreach.storage.database import open_database


@pytest.fixture
def services(tmp_path, library):
    folder = tmp_path / "records"
    folder.mkdir()
    engine = open_database(folder)
    built = record_services(engine, library, Settings(officer_name="PC Jo Bloggs"))
    yield built
    built.close()


def stall(**changes) -> EngagementData:
    """A typical stall engagement (edit fields with keyword arguments)."""
    data = EngagementData(
        kind=Kind.STALL,
        starts_at=dt.datetime(2026, 11, 20, 10, 0),
        ends_at=dt.datetime(2026, 11, 20, 13, 0),
        venue="Chelmsford High Street market",
        district="chelmsford",
        officer="PC Jo Bloggs",
        team="town-centre",
        strands=["burglary-robbery", "cyber-fraud"],
        audiences=["older-people"],
        people_engaged=12,
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data
