"""Export: incremental by default, everything with ``full``, signed and sealed, audited."""

from __future__ import annotations

import io
import json
import stat
import time
import zipfile

import pytest
from sqlalchemy import select

from outreach.engagements.model import consent_covers_hq
from outreach.exchange.envelope import open_sealed
from outreach.exchange.export import ExportError, ExportService
from outreach.exchange.keys import LAPTOP_KEY_FILE, hq_private_key
from outreach.storage.models import AuditEvent
from tests.engagements.conftest import stall


def _members(path, hq_folder) -> dict[str, bytes]:
    plain = open_sealed(path.read_bytes(), hq_private_key(hq_folder))
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _records(path, hq_folder) -> list[dict]:
    lines = _members(path, hq_folder)["engagements.jsonl"].splitlines()
    return [json.loads(line) for line in lines]


def test_incremental_then_all(tmp_path, laptops, hq_folder):
    service = laptops[0].services.engagements
    first_id = service.create(stall())
    second_id = service.create(stall(venue="Second stall"))
    first = laptops[0].export(tmp_path / "1.bundle")
    assert {r["id"] for r in _records(first, hq_folder)} == {first_id, second_id}
    again = _records(laptops[0].export(tmp_path / "2.bundle"), hq_folder)
    # Times are kept to the second: what changed in the export's own second is sent
    # again (harmless: HQ counts it unchanged); a second later nothing is.
    assert {(r["id"], r["version"]) for r in again} <= {(first_id, 1), (second_id, 1)}
    time.sleep(1.05)
    laptops[0].export(tmp_path / "2b.bundle")
    nothing = laptops[0].export(tmp_path / "2c.bundle")
    assert _records(nothing, hq_folder) == []
    service.update(first_id, stall(venue="Edited"))
    service.delete(second_id)
    third = _records(laptops[0].export(tmp_path / "3.bundle"), hq_folder)
    by_id = {r["id"]: r for r in third}
    assert set(by_id) == {first_id, second_id}
    assert by_id[first_id]["venue"] == "Edited" and by_id[first_id]["version"] == 2
    assert by_id[second_id] == {
        "id": second_id,
        "version": 2,
        "laptop_id": service.laptop_id,
        "tombstone": True,
        "deleted_at": by_id[second_id]["deleted_at"],
        "updated_at": by_id[second_id]["updated_at"],
    }
    everything = laptops[0].export(tmp_path / "all.bundle", full=True)
    assert len(_records(everything, hq_folder)) == 2


def test_manifest_lists_counts_and_checksums(tmp_path, laptops, hq_folder):
    import hashlib

    from tests.hq.conftest import full_record

    laptops[0].services.engagements.create(full_record())
    members = _members(laptops[0].export(tmp_path / "b.bundle"), hq_folder)
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == 1
    assert manifest["laptop_id"] == laptops[0].services.engagements.laptop_id
    assert manifest["officer"] == "PC north"
    assert manifest["counts"]["engagements"] == 1
    assert manifest["counts"]["leaflets"] == 2
    assert manifest["counts"]["contacts"] == 1  # only the one whose consent names HQ
    for name in ("engagements.jsonl", "engagements.csv"):
        assert manifest["members"][name]["sha256"] == hashlib.sha256(members[name]).hexdigest()
    table = members["engagements.csv"].decode().splitlines()
    assert table[0].startswith("id,version,deleted,kind")
    assert len(table) == 2
    assert b"Bob Private" not in members["engagements.jsonl"]


def test_every_export_is_audited_and_the_key_is_private(tmp_path, laptops):
    laptops[0].export(tmp_path / "b.bundle")
    key_file = laptops[0].folder / LAPTOP_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with laptops[0].services.engine.connect() as c:
        events = c.execute(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert len(events) == 1
    assert json.loads(events[0].detail)["file"] == "b.bundle"


def test_without_hq_key_the_export_says_how_to_get_one(tmp_path, library):
    from outreach.services import record_services
    from outreach.storage.database import open_database

    folder = tmp_path / "fresh"
    folder.mkdir()
    services = record_services(open_database(folder), library)
    try:
        exporter = ExportService(services.engine, folder, "PC Fresh")
        with pytest.raises(ExportError, match="--hq-key"):
            exporter.export(tmp_path / "x.bundle")
        assert not (tmp_path / "x.bundle").exists()
    finally:
        services.close()


def test_a_cancelled_export_writes_nothing_and_keeps_the_mark(tmp_path, laptops):
    from outreach.engagements.demo import generate
    from outreach.exchange.export import ExportCancelled

    s = laptops[0].services
    generate(s.engine, s.engagements.vocab, s.engagements.laptop_id, 4500, seed=2)
    with pytest.raises(ExportCancelled):
        laptops[0].exporter.export(tmp_path / "c.bundle", cancelled=lambda: True)
    assert not (tmp_path / "c.bundle").exists()
    assert laptops[0].exporter.last_mark() is None
    assert laptops[0].exporter.pending() == 4500


@pytest.mark.parametrize(
    ("purpose", "covered"),
    [
        ("Follow-up call from HQ", True),
        ("Shared with the headquarters partnerships team", True),
        ("Force-wide newsletter", True),
        ("Call back about bike marking", False),
        ("Headquartered business owner", False),
    ],
)
def test_consent_covers_hq(purpose, covered):
    assert consent_covers_hq(purpose) is covered
