"""Rolling encrypted backups, the start-up check, and restoring the last good backup."""

from __future__ import annotations

import shutil

import pytest

from outreach.security.vault import make_backup, restore, row_counts, set_passphrase
from outreach.services import open_record_services
from outreach.storage import backups, crypto
from outreach.storage.database import (
    DB_FILE,
    DamagedDatabaseError,
    StorageError,
    audit_trail,
    open_database,
)
from tests.engagements.conftest import stall

PASS = "correct horse battery"
MARK = "Quokka-marker-venue"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    services = open_record_services(folder)
    for n in range(30):
        services.engagements.create(stall(venue=f"{MARK} {n}", notes="x" * 500))
    services.close()
    return folder


@pytest.fixture
def folder(tmp_path, template):
    target = tmp_path / "records"
    shutil.copytree(template, target)
    return target


def damage(path):
    """Overwrite a page in the middle of the file, as a bad sector or a half write would."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 4096] = bytes(range(256)) * 16
    path.write_bytes(bytes(data))


def test_backups_roll_and_keep_the_newest(folder):
    path = folder / DB_FILE
    made = [backups.backup_database(path, "manual", keep=3) for _ in range(5)]
    kept = [b.path for b in backups.list_backups(path)]
    assert kept == made[:-4:-1], "the three newest, newest first"
    assert all(crypto.quick_check(p) == "ok" for p in kept)


def test_the_daily_backup_is_made_once_a_day(folder):
    open_database(folder, daily_backup=True).dispose()
    open_database(folder, daily_backup=True).dispose()
    assert [b.reason for b in backups.list_backups(folder / DB_FILE)] == ["daily"]


def test_a_damaged_encrypted_database_is_reported_and_restored(folder):
    key = set_passphrase(folder, PASS)
    path = folder / DB_FILE
    good = make_backup(folder, key)
    assert good.encrypted and MARK.encode() not in good.path.read_bytes()
    before = row_counts(path, key)
    damage(path)
    with pytest.raises(DamagedDatabaseError, match="not a readable Outreach database") as caught:
        open_database(folder, passphrase=PASS)
    assert caught.value.good_backup.path == good.path, "it offers the newest good backup"
    damaged_bytes = path.read_bytes()
    with pytest.raises(StorageError, match="Wrong passphrase"):
        restore(folder, good.path, passphrase="not it at all")
    restored_key, kept = restore(folder, good.path, passphrase=PASS)
    assert kept.read_bytes() == damaged_bytes, "the damaged file is kept, not lost"
    after = row_counts(path, restored_key)
    assert {t: n for t, n in after.items() if t != "audit_event"} == {
        t: n for t, n in before.items() if t != "audit_event"
    }
    engine = open_database(folder, passphrase=PASS)
    actions = [e.action for e in audit_trail(engine)]
    engine.dispose()
    assert "restore" in actions and "backup" in actions and "unlock-failed" in actions


def test_a_missing_database_with_backups_is_not_replaced_by_an_empty_one(folder):
    make_backup(folder, None)
    (folder / DB_FILE).unlink()
    with pytest.raises(DamagedDatabaseError, match="missing"):
        open_database(folder)
    assert not (folder / DB_FILE).exists()


def test_restoring_a_file_that_is_not_a_database_changes_nothing(folder, tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"not a database at all" * 300)
    before = (folder / DB_FILE).read_bytes()
    with pytest.raises(StorageError, match="not a sound database"):
        restore(folder, bogus)
    assert (folder / DB_FILE).read_bytes() == before
    assert not any(b.reason == "before-restore" for b in backups.list_backups(folder / DB_FILE))
