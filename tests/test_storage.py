"""The laptop database: migrations from code, backups first, newer schemas refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from outreach.storage.database import (
    DB_FILE,
    NewerSchemaError,
    StorageError,
    current_revision,
    head_revision,
    laptop_id,
    open_database,
)

SAMPLES = Path(__file__).parent / "data" / "schemas"


def test_new_database_is_at_head_with_a_laptop_id(tmp_path):
    engine = open_database(tmp_path)
    try:
        assert current_revision(engine) == head_revision()
        first = laptop_id(engine)
    finally:
        engine.dispose()
    engine = open_database(tmp_path)
    try:
        assert laptop_id(engine) == first
    finally:
        engine.dispose()
    assert not (tmp_path / "backups").exists(), "no backup when nothing was migrated"


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.db")), ids=lambda p: p.stem)
def test_every_released_schema_upgrades_and_keeps_its_data(tmp_path, sample):
    shutil.copy(sample, tmp_path / DB_FILE)
    with sqlite3.connect(tmp_path / DB_FILE) as db:
        before = db.execute("SELECT value FROM meta WHERE key = 'laptop_id'").fetchone()[0]
        old_revision = db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    engine = open_database(tmp_path)
    try:
        assert current_revision(engine) == head_revision()
        assert laptop_id(engine) == before
    finally:
        engine.dispose()
    if old_revision != head_revision():
        assert list((tmp_path / "backups").glob("*.db")), "migrating must back up first"


def test_a_database_from_a_newer_version_is_refused_and_untouched(tmp_path):
    engine = open_database(tmp_path)
    engine.dispose()
    path = tmp_path / DB_FILE
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999_future'")
    db.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer version of Outreach"):
        open_database(tmp_path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_reported(tmp_path):
    path = tmp_path / DB_FILE
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="not a readable Outreach database"):
        open_database(tmp_path)
    assert path.read_bytes() == b"this is not sqlite" * 100
