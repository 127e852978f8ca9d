"""Rolling backups of the laptop database, and restoring one.

Backups live in ``backups/`` beside the database: consistent copies made while the app
may be writing (SQLCipher's export reads one snapshot), encrypted with the same key as
the database when it is encrypted, each with a copy of the key file. The newest
:data:`KEEP_BACKUPS` are kept. A restore first checks the chosen file is a sound Outreach
database, then keeps the current file (as it is, even when damaged) before replacing it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from outreach.i18n import _
from outreach.storage import crypto

BACKUP_FOLDER = "backups"
KEEP_BACKUPS = 10
DAILY = dt.timedelta(days=1)
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}(?:-\d{6})?)-(?P<reason>[\w.-]+)\.db$")


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why."""


@dataclass(frozen=True)
class Backup:
    """One backup file."""

    path: Path
    made: dt.datetime
    reason: str

    @property
    def encrypted(self) -> bool:
        return crypto.is_encrypted(self.path)

    def key_params(self) -> crypto.KeyParams | None:
        return crypto.read_key_params(self.path) if self.encrypted else None

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "made": self.made.isoformat(timespec="seconds"),
            "reason": self.reason,
            "encrypted": self.encrypted,
        }


def backup_folder(db_path: Path) -> Path:
    return db_path.parent / BACKUP_FOLDER


def list_backups(db_path: Path) -> list[Backup]:
    """The backups of ``db_path``, newest first."""
    folder = backup_folder(db_path)
    found = []
    for path in folder.glob("*.db") if folder.is_dir() else []:
        match = _NAME.match(path.name)
        if not match:
            continue
        stamp = match["stamp"]
        fmt = "%Y%m%d-%H%M%S-%f" if stamp.count("-") == 2 else "%Y%m%d-%H%M%S"
        found.append(Backup(path, dt.datetime.strptime(stamp, fmt), match["reason"]))
    return sorted(found, key=lambda b: (b.made, b.path.name), reverse=True)


def _target(db_path: Path, reason: str) -> Path:
    folder = backup_folder(db_path)
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return folder / f"{db_path.stem}-{stamp}-{reason}.db"


def _remove(path: Path) -> None:
    for extra in (path, crypto.key_file(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
        extra.unlink(missing_ok=True)


def prune(db_path: Path, keep: int = KEEP_BACKUPS) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns what was deleted."""
    gone = [b.path for b in list_backups(db_path)[keep:]]
    for path in gone:
        _remove(path)
    return gone


def backup_database(
    db_path: Path, reason: str, key: bytes | None = None, keep: int = KEEP_BACKUPS
) -> Path:
    """Copy the database consistently into ``backups/`` (encrypted as it is); roll old ones."""
    target = _target(db_path, reason)
    partial = target.with_name(target.name + ".part")
    try:
        crypto.export_copy(db_path, key, partial, key)
        if key is not None:
            shutil.copyfile(crypto.key_file(db_path), crypto.key_file(target))
        os.replace(partial, target)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        crypto.key_file(target).unlink(missing_ok=True)
        raise BackupError(
            _("The backup of {path} could not be made ({error}).").format(path=db_path, error=exc)
        ) from exc
    prune(db_path, keep)
    return target


def backup_due(db_path: Path, now: dt.datetime | None = None) -> bool:
    """Whether the daily backup is due (no backup made in the last day)."""
    backups = list_backups(db_path)
    now = now or dt.datetime.now()
    return not backups or now - backups[0].made >= DAILY


def keep_as_is(db_path: Path, reason: str) -> Path | None:
    """Copy the database file byte for byte (with its log and key file) into ``backups/``.

    Used before a restore, when the current file may be damaged or its key unknown.
    """
    if not db_path.exists():
        return None
    target = _target(db_path, reason)
    for suffix in ("-wal", ""):
        source = Path(f"{db_path}{suffix}")
        if source.exists():
            shutil.copyfile(source, Path(f"{target}{suffix}"))
    if crypto.key_file(db_path).exists():
        shutil.copyfile(crypto.key_file(db_path), crypto.key_file(target))
    return target


def check_backup(path: Path, key: bytes | None) -> None:
    """Raise :class:`BackupError` unless ``path`` is a sound Outreach database."""
    if not path.is_file():
        raise BackupError(_("{path} does not exist.").format(path=path))
    result = crypto.quick_check(path, key)
    if result != "ok":
        raise BackupError(
            _("{path} is not a sound database ({error}).").format(path=path, error=result)
        )
    connection = crypto.connect(path, key)
    try:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    finally:
        connection.close()
    if not {"alembic_version", "meta", "engagement"} <= tables:
        raise BackupError(_("{path} is not an Outreach database.").format(path=path))


def restore_file(db_path: Path, source: Path, key: bytes | None) -> Path | None:
    """Replace the database by ``source`` (already checked); returns the kept current file."""
    check_backup(source, key)
    kept = keep_as_is(db_path, "before-restore")
    partial = db_path.with_name(db_path.name + ".restore")
    shutil.copyfile(source, partial)
    wal = Path(f"{source}-wal")
    if wal.exists():  # a byte-for-byte copy kept with its log: fold the log in first
        shutil.copyfile(wal, Path(f"{partial}-wal"))
        crypto.checkpoint(partial, key)
    with partial.open("rb+") as fh:
        os.fsync(fh.fileno())
    if key is not None:
        shutil.copyfile(crypto.key_file(source), crypto.key_file(db_path))
    else:
        crypto.key_file(db_path).unlink(missing_ok=True)
    crypto.swap_in(partial, db_path)
    return kept


def newest_good_backup(db_path: Path, key: bytes | None) -> Backup | None:
    """The newest backup that opens with ``key`` (or plainly) and passes its check."""
    for backup in list_backups(db_path):
        try:
            params = backup.key_params()
            if params is not None and (key is None or not params.matches(key)):
                continue
            check_backup(backup.path, key if params is not None else None)
        except (BackupError, crypto.CryptoError):
            continue
        return backup
    return None
