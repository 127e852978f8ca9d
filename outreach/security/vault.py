"""Set or change the passphrase that encrypts the records database; back up and restore.

Setting the first passphrase encrypts the plain database in place; changing it re-keys.
Both write an encrypted copy next to the database, check it holds every row, then swap it
in with one atomic rename, after a backup of the old file. The key file is written first
as a pending file and settled after the swap, so a crash at any moment leaves a database
that opens with the old passphrase or with the new one (see ``database_key``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from outreach.i18n import _
from outreach.storage import backups, crypto
from outreach.storage.database import (
    DB_FILE,
    StorageError,
    database_key,
    open_database,
    record_audit,
)


def row_counts(path: Path, key: bytes | None) -> dict[str, int]:
    """Rows per table of the database at ``path`` (to prove a copy holds everything)."""
    connection = crypto.connect(path, key)
    try:
        tables = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        connection.close()


def set_passphrase(
    data_dir: Path,
    new: str,
    old: str | None = None,
    actor: str = "system",
    clock: Callable[[], float] | None = None,
) -> bytes:
    """Encrypt the database with ``new`` (``old`` is needed once one is set); returns the key.

    The app must have closed its engine on the database first.
    """
    crypto.check_passphrase_strength(new)
    path = data_dir / DB_FILE
    if not (path.exists() and path.stat().st_size > 0):
        open_database(data_dir).dispose()  # nothing to encrypt yet: create it first
    old_key = database_key(data_dir, passphrase=old, clock=clock)
    if old_key is None:
        params = crypto.KeyParams.new()
        action = "passphrase-set"
    else:
        params = crypto.read_key_params(path)
        action = "passphrase-changed"
    new_key = params.derive(new)
    params = params.with_check(new_key)
    engine = open_database(data_dir, key=old_key)  # migrated, and its audit trail says so
    record_audit(engine, action + "-started", actor=actor)
    engine.dispose()
    backups.backup_database(path, "before-passphrase", old_key)
    copy = path.with_name(path.name + ".rekey")
    try:
        crypto.export_copy(path, old_key, copy, new_key)
        if crypto.quick_check(copy, new_key) != "ok" or row_counts(copy, new_key) != row_counts(
            path, old_key
        ):
            raise StorageError(_("The encrypted copy did not match the database; nothing changed."))
        crypto.write_key_params(path, params, pending=True)
        crypto.swap_in(copy, path)
    except BaseException:
        copy.unlink(missing_ok=True)
        if crypto.is_plain_sqlite(path) or old_key is not None:
            crypto.pending_key_file(path).unlink(missing_ok=True)
        raise
    os.replace(crypto.pending_key_file(path), crypto.key_file(path))
    engine = open_database(data_dir, key=new_key)
    record_audit(engine, action, actor=actor)
    engine.dispose()
    return new_key


def make_backup(data_dir: Path, key: bytes | None, actor: str = "system") -> backups.Backup:
    """A backup now (``outreach backup``); recorded in the audit trail."""
    path = data_dir / DB_FILE
    if not path.exists():
        raise StorageError(
            _("There is no database in {folder} to back up.").format(folder=data_dir)
        )
    engine = open_database(data_dir, key=key)
    # Recorded first, so the backup's own trail shows it was taken.
    record_audit(engine, "backup", _("manual backup"), actor=actor)
    engine.dispose()
    target = backups.backup_database(path, "manual", key)
    return next(b for b in backups.list_backups(path) if b.path == target)


def restore(
    data_dir: Path,
    source: Path,
    passphrase: str | None = None,
    actor: str = "system",
    clock: Callable[[], float] | None = None,
) -> tuple[bytes | None, Path | None]:
    """Replace the database by the backup ``source`` after checking it.

    An encrypted backup opens with the passphrase in use when it was made. The current
    file is kept as it is in ``backups/`` first. Returns the key of the restored database
    and where the replaced file was kept.
    """
    from outreach.security.throttle import Throttle, TooManyTries
    from outreach.storage.database import TooManyTriesError, WrongPassphrase

    path = data_dir / DB_FILE
    source = source.resolve()
    key = None
    if crypto.is_encrypted(source):
        try:
            params = crypto.read_key_params(source)
        except crypto.CryptoError as exc:
            raise StorageError(str(exc)) from exc
        if passphrase is None:
            from outreach.storage.database import PassphraseRequired

            raise PassphraseRequired(
                _("The backup is encrypted: the passphrase in use when it was made is needed.")
            )
        throttle = Throttle(data_dir, clock)
        try:
            throttle.check()
        except TooManyTries as exc:
            raise TooManyTriesError(str(exc), exc.wait) from exc
        key = params.derive(passphrase)
        if not params.matches(key):
            throttle.failed()
            raise WrongPassphrase(
                _("Wrong passphrase for {file}: nothing was restored.").format(file=source)
            )
    try:
        kept = backups.restore_file(path, source, key)
    except backups.BackupError as exc:
        raise StorageError(str(exc)) from exc
    engine = open_database(data_dir, key=key)
    record_audit(
        engine,
        "restore",
        _("restored {file}; the replaced file is kept as {kept}").format(
            file=source.name, kept=kept.name if kept else "-"
        ),
        actor=actor,
    )
    engine.dispose()
    return key, kept
