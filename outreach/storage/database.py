"""Open the laptop database, migrating it to the current schema first.

Migrations are Alembic scripts in ``outreach/migrations`` run from code. Before a file is
migrated it is copied to ``backups/`` beside it; a database made by a newer Outreach is
refused, untouched, with a clear message.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session

from outreach.i18n import _
from outreach.storage.models import AuditEvent, Meta

DB_FILE = "outreach.db"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class StorageError(Exception):
    """The database cannot be opened as it is; the message says why and what to do."""


class NewerSchemaError(StorageError):
    """The database was written by a newer version of Outreach."""


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


def make_engine(path: Path) -> Engine:
    """An engine on the SQLite file at ``path`` with the app's connection settings."""
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def backup_file(path: Path, reason: str) -> Path:
    """Copy the database (consistently, with SQLite's backup API) into ``backups/``."""
    folder = path.parent / "backups"
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-{stamp}-{reason}.db"
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    return target


def open_database(data_dir: Path) -> Engine:
    """Open (creating or migrating as needed) the database in ``data_dir``."""
    path = data_dir / DB_FILE
    existed = path.exists() and path.stat().st_size > 0
    engine = make_engine(path)
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
            backup_file(path, f"before-{head}")
        with engine.begin() as connection:
            config = _alembic_config(str(engine.url))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    _ensure_laptop_id(engine)
    return engine


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
