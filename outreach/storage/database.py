"""Open the laptop database, migrating it to the current schema first.

Migrations are Alembic scripts in ``outreach/migrations`` run from code. Before a file is
migrated it is copied to ``backups/`` beside it; a database made by a newer Outreach is
refused, untouched, with a clear message.

Once the officer has set a passphrase the file is encrypted (SQLCipher, see
:mod:`outreach.storage.crypto`) and opens only with it; wrong tries are counted and slowed
down (:mod:`outreach.security.throttle`). An existing file is checked (``PRAGMA
quick_check``) before use: a damaged or missing one is reported with the backups that can
replace it, never swapped for a fresh empty database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session

from outreach.i18n import _
from outreach.storage import DB_FILE, backups, crypto
from outreach.storage.models import AuditEvent, Meta

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class StorageError(Exception):
    """The database cannot be opened as it is; the message says why and what to do."""


class NewerSchemaError(StorageError):
    """The database was written by a newer version of Outreach."""


class PassphraseRequired(StorageError):
    """The database is encrypted and no passphrase was given."""


class WrongPassphrase(StorageError):
    """The passphrase does not open the database; nothing was changed."""


class TooManyTriesError(StorageError):
    """Too many wrong passphrases in a row; ``wait`` seconds before the next try."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


class DamagedDatabaseError(StorageError):
    """The database file is damaged or missing; ``good_backup`` can replace it (if any)."""

    def __init__(self, message: str, path: Path, good_backup: backups.Backup | None) -> None:
        super().__init__(message)
        self.path = path
        self.good_backup = good_backup


def _alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str:
    """The schema revision this version of Outreach writes."""
    return ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head() or ""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: a committed record survives a power cut, not only a crash of the app.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def make_engine(path: Path, key: bytes | None = None) -> Engine:
    """An engine on the SQLite file at ``path`` with the app's connection settings.

    With ``key`` the file is opened with SQLCipher and that raw key.
    """
    if key is None:
        engine = create_engine(f"sqlite:///{path}")
    else:
        import sqlcipher3.dbapi2

        engine = create_engine(
            f"sqlite:///{path}",
            module=sqlcipher3.dbapi2,
            creator=lambda: crypto.connect(path, key),
        )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def backup_file(path: Path, reason: str, key: bytes | None = None) -> Path:
    """Copy the database consistently into ``backups/`` (encrypted as it is); keep the last ten."""
    try:
        return backups.backup_database(path, reason, key)
    except backups.BackupError as exc:
        raise StorageError(str(exc)) from exc


def is_encrypted(data_dir: Path) -> bool:
    """Whether the database in ``data_dir`` needs a passphrase to open."""
    return crypto.is_encrypted(data_dir / DB_FILE)


def database_key(
    data_dir: Path,
    passphrase: str | None = None,
    key: bytes | None = None,
    clock: Callable[[], float] | None = None,
) -> bytes | None:
    """The raw key of the database in ``data_dir`` (None when it is not encrypted).

    Raises :class:`PassphraseRequired`, :class:`WrongPassphrase` (after counting the wrong
    try) or :class:`TooManyTriesError`. Nothing in the data folder but the count changes.
    """
    from outreach.security.throttle import Throttle, TooManyTries

    path = data_dir / DB_FILE
    pending_file = crypto.pending_key_file(path)
    if not crypto.is_encrypted(path):
        pending_file.unlink(missing_ok=True)  # an encryption stopped before its swap
        return None
    try:
        candidates = [
            crypto.read_key_params(path, pending=pending)
            for pending, file in ((False, crypto.key_file(path)), (True, pending_file))
            if file.exists()
        ]
    except crypto.CryptoError as exc:
        raise StorageError(str(exc)) from exc
    throttle = Throttle(data_dir, clock)
    if key is None:
        if passphrase is None:
            raise PassphraseRequired(
                _("The records database is encrypted: the passphrase is needed to open it.")
            )
        try:
            throttle.check()
        except TooManyTries as exc:
            raise TooManyTriesError(str(exc), exc.wait) from exc
        key = candidates[0].derive(passphrase)
    if not any(params.matches(key) for params in candidates):
        if passphrase is not None:
            throttle.failed()
        raise WrongPassphrase(
            _("Wrong passphrase: the records database stays locked and nothing was changed.")
        )
    if pending_file.exists():
        _finish_key_change(path, key)
    return key


def _finish_key_change(path: Path, key: bytes) -> None:
    """Settle a passphrase change a crash interrupted between its two atomic steps.

    Both key files share the salt; the database itself says which check value is right.
    """
    import os

    pending = crypto.read_key_params(path, pending=True)
    if crypto.quick_check(path, key) != "ok":
        raise WrongPassphrase(
            _("Wrong passphrase: the records database stays locked and nothing was changed.")
        )
    if pending.matches(key):
        os.replace(crypto.pending_key_file(path), crypto.key_file(path))
    else:
        crypto.pending_key_file(path).unlink()


def _damaged(path: Path, key: bytes | None, problem: str) -> DamagedDatabaseError:
    good = backups.newest_good_backup(path, key)
    if good is not None:
        advice = _(
            "Restore the last good backup ({file}, made {made}): in the app, or with "
            "'outreach restore {file}'."
        ).format(file=good.path, made=good.made.strftime("%Y-%m-%d %H:%M"))
    else:
        advice = _("No good backup was found in {folder}.").format(
            folder=backups.backup_folder(path)
        )
    return DamagedDatabaseError(
        _("{path} is not a readable Outreach database ({error}). {advice}").format(
            path=path, error=problem, advice=advice
        ),
        path,
        good,
    )


def open_database(
    data_dir: Path,
    *,
    passphrase: str | None = None,
    key: bytes | None = None,
    clock: Callable[[], float] | None = None,
    daily_backup: bool = False,
) -> Engine:
    """Open (creating or migrating as needed) the database in ``data_dir``.

    An encrypted database needs ``passphrase`` (or its raw ``key``); see
    :func:`database_key` for the errors. ``daily_backup`` makes the day's backup first.
    """
    from outreach.security.throttle import Throttle

    path = data_dir / DB_FILE
    existed = path.exists() and path.stat().st_size > 0
    key = database_key(data_dir, passphrase, key, clock)
    if existed:
        problem = crypto.quick_check(path, key)
        if problem != "ok":
            raise _damaged(path, key, problem)
        if daily_backup and backups.backup_due(path):
            backup_file(path, "daily", key)
    elif backups.list_backups(path):
        raise _damaged(path, key, _("the file is missing, but there are backups"))
    engine = make_engine(path, key)
    try:
        revision = current_revision(engine)
    except Exception as exc:  # sqlite3.DatabaseError and friends, wrapped by SQLAlchemy
        engine.dispose()
        raise StorageError(
            _("{path} is not a readable Outreach database ({error}).").format(path=path, error=exc)
        ) from exc
    script = ScriptDirectory.from_config(_alembic_config(str(engine.url)))
    head = script.get_current_head()
    known = {rev.revision for rev in script.walk_revisions()}
    if revision is not None and revision not in known:
        engine.dispose()
        raise NewerSchemaError(
            _(
                "{path} was written by a newer version of Outreach (schema {revision}). "
                "Install the newer version, or open another data folder; the file was not changed."
            ).format(path=path, revision=revision)
        )
    if revision != head:
        if existed:
            backup_file(path, f"before-{head}", key)
        with engine.begin() as connection:
            config = _alembic_config(str(engine.url))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    _ensure_laptop_id(engine)
    for at in Throttle(data_dir, clock).succeeded():
        record_audit(
            engine, "unlock-failed", _("wrong passphrase"), at=dt.datetime.fromtimestamp(at, dt.UTC)
        )
    return engine


def record_audit(
    engine: Engine,
    action: str,
    detail: str = "",
    actor: str = "system",
    at: dt.datetime | None = None,
) -> None:
    """Add one entry to the audit trail."""
    with Session(engine) as session, session.begin():
        session.add(
            AuditEvent(at=at or dt.datetime.now(dt.UTC), actor=actor, action=action, detail=detail)
        )


def audit_trail(engine: Engine, action: str | None = None) -> list[AuditEvent]:
    """The audit trail, oldest first (optionally only one kind of action)."""
    with Session(engine) as session:
        query = select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(session.scalars(query))


def _ensure_laptop_id(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        if session.get(Meta, "laptop_id") is None:
            session.add(Meta(key="laptop_id", value=str(uuid.uuid4())))
            session.add(
                AuditEvent(
                    at=dt.datetime.now(dt.UTC), actor="system", action="database-created", detail=""
                )
            )


def laptop_id(engine: Engine) -> str:
    """This installation's stable id (made when the database was created)."""
    with Session(engine) as session:
        return session.scalar(select(Meta.value).where(Meta.key == "laptop_id")) or ""
