"""Encryption at rest: a passphrase encrypts the database; nothing opens it without one."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from outreach.engagements.demo import generate
from outreach.security.vault import row_counts, set_passphrase
from outreach.services import open_record_services
from outreach.storage import crypto
from outreach.storage.database import (
    DB_FILE,
    PassphraseRequired,
    WrongPassphrase,
    audit_trail,
    is_encrypted,
    open_database,
)
from tests.engagements.conftest import stall

PASS = "correct horse battery"
MARK = "Zanzibar-marker-venue"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A data folder with demo engagements and one record with a known venue."""
    folder = tmp_path_factory.mktemp("template")
    services = open_record_services(folder)
    generate(services.engine, services.engagements.vocab, services.engagements.laptop_id, 40)
    services.engagements.create(stall(venue=MARK, notes="Concern about " + MARK))
    services.close()
    return folder


@pytest.fixture
def folder(tmp_path, template):
    target = tmp_path / "records"
    shutil.copytree(template, target)
    return target


def test_setting_a_passphrase_encrypts_and_keeps_every_record(folder):
    before = row_counts(folder / DB_FILE, None)
    set_passphrase(folder, PASS, actor="PC Test")
    path = folder / DB_FILE
    assert is_encrypted(folder)
    assert MARK.encode() not in path.read_bytes(), "no record text in the raw file"
    assert row_counts(path, crypto.read_key_params(path).derive(PASS)) == before | {
        "audit_event": before["audit_event"] + 2
    }
    engine = open_database(folder, passphrase=PASS)
    assert [e.action for e in audit_trail(engine)][-2:] == [
        "passphrase-set-started",
        "passphrase-set",
    ]
    engine.dispose()
    # every backup of an encrypted database is encrypted too
    for backup in (folder / "backups").glob("*.db"):
        if crypto.is_encrypted(backup):
            assert MARK.encode() not in backup.read_bytes()


def test_without_the_passphrase_nothing_opens_it(folder):
    set_passphrase(folder, PASS)
    path = folder / DB_FILE
    before = path.read_bytes()
    with pytest.raises(PassphraseRequired):
        open_database(folder)
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        open_database(folder, passphrase="not the passphrase")
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM engagement").fetchone()
    assert path.read_bytes() == before, "a wrong passphrase changes nothing"


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 tool is not installed")
def test_the_sqlite3_tool_cannot_read_it(folder):
    set_passphrase(folder, PASS)
    result = subprocess.run(
        ["sqlite3", str(folder / DB_FILE), "SELECT venue FROM engagement"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "not a database" in result.stderr
    assert MARK not in result.stdout


def test_changing_the_passphrase_rekeys_and_keeps_every_record(folder):
    set_passphrase(folder, PASS)
    path = folder / DB_FILE
    old_key = crypto.read_key_params(path).derive(PASS)
    before = row_counts(path, old_key)
    with pytest.raises(WrongPassphrase):
        set_passphrase(folder, "another passphrase", old="wrong one!")
    new_key = set_passphrase(folder, "another passphrase", old=PASS)
    after = row_counts(path, new_key)
    assert after == before | {"audit_event": before["audit_event"] + 3}  # wrong try, start, done
    with pytest.raises(WrongPassphrase):
        open_database(folder, passphrase=PASS)
    services = open_record_services(folder, passphrase="another passphrase")
    assert services.engagements.count() == 41
    services.close()


def test_an_encryption_interrupted_before_its_swap_leaves_the_plain_database(folder):
    path = folder / DB_FILE
    crypto.write_key_params(path, crypto.KeyParams.new(), pending=True)  # crash after this
    assert not is_encrypted(folder)
    open_database(folder).dispose()
    assert not crypto.pending_key_file(path).exists()


def test_a_rekey_interrupted_after_its_swap_opens_with_the_new_passphrase(folder):
    set_passphrase(folder, PASS)
    path = folder / DB_FILE
    params = crypto.read_key_params(path)
    old_key = params.derive(PASS)
    new_key = params.derive("the new passphrase")
    copy = folder / "copy.db"
    crypto.export_copy(path, old_key, copy, new_key)
    crypto.write_key_params(path, params.with_check(new_key), pending=True)
    crypto.swap_in(copy, path)  # crash here: before the pending key file is settled
    with pytest.raises(WrongPassphrase):
        open_database(folder, passphrase=PASS)
    open_database(folder, passphrase="the new passphrase").dispose()
    assert not crypto.pending_key_file(path).exists()
    assert crypto.read_key_params(path).matches(new_key)


def test_a_short_passphrase_is_refused(folder):
    with pytest.raises(crypto.CryptoError, match="at least"):
        set_passphrase(folder, "short")
    assert not is_encrypted(folder)
