"""HQ's database: its own SQLAlchemy metadata, separate from the laptop's migrations.

Timestamps are ISO 8601 text as the laptop recorded them (local time), so months and
days are prefixes and every backend compares them the same way. An engagement deleted on
a laptop stays as a tombstone row (``deleted`` set, children removed) so an older copy
arriving later cannot bring it back.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
)

from outreach.i18n import _

SCHEMA_VERSION = 1
metadata = MetaData()

hq_meta = Table(
    "hq_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

laptop = Table(
    "hq_laptop",
    metadata,
    Column("laptop_id", String(36), primary_key=True),
    Column("officer", String(120), nullable=False, default=""),
    Column("public_key", String(64), nullable=False),  # base64 of the raw Ed25519 key
    Column("fingerprint", String(32), nullable=False),
    Column("enrolled_at", String(32), nullable=False),
)

bundle = Table(
    "hq_bundle",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("laptop_id", String(36), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("records", Integer, nullable=False),
)

engagement = Table(
    "hq_engagement",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("laptop_id", String(36), nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("kind", String(32)),
    Column("starts_at", String(32)),
    Column("ends_at", String(32)),
    Column("month", String(7), index=True),
    Column("venue", Text),
    Column("district", String(64), index=True),
    Column("officer", String(120)),
    Column("team", String(64)),
    Column("people_engaged", Integer),
    Column("notes", Text),
    Column("burglary_date", String(10)),
    Column("doors_knocked", Integer),
    Column("doors_answered", Integer),
    Column("doors_leafleted", Integer),
    Column("strands", Text),
    Column("audiences", Text),
    Column("partners", Text),
    Column("is_demo", Boolean),
    Column("created_at", String(32)),
    Column("updated_at", String(32)),
    Column("deleted_at", String(32)),
    Column("survey", Text),  # JSON of the survey and its result, or NULL
)

strand = Table(
    "hq_engagement_strand",
    metadata,
    Column("engagement_id", String(36), primary_key=True),
    Column("strand_id", String(64), primary_key=True),
    Index("ix_hq_strand_strand", "strand_id"),
)

leaflet = Table(
    "hq_leaflet",
    metadata,
    Column("engagement_id", String(36), primary_key=True),
    Column("topic_id", String(80), primary_key=True),
    Column("lang", String(16), primary_key=True),
    Column("count", Integer, nullable=False),
)

concern = Table(
    "hq_concern",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("engagement_id", String(36), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("raised", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("status", String(16), nullable=False),
)

follow_up = Table(
    "hq_follow_up",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("engagement_id", String(36), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("description", Text, nullable=False),
    Column("due", String(10)),
    Column("done_on", String(10)),
)

contact = Table(
    "hq_contact",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("engagement_id", String(36), nullable=False, index=True),
    Column("name", String(120), nullable=False),
    Column("phone", String(40)),
    Column("email", String(200)),
    Column("purpose", Text, nullable=False),
    Column("consent_version", String(32)),
    Column("consent_at", String(32)),
    Column("retain_until", String(10), nullable=False),
)

CHILD_TABLES = (strand, leaflet, concern, follow_up, contact)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA cache_size = -65536")  # 64 MB: a million-row merge stays in memory
    cursor.execute("PRAGMA temp_store = MEMORY")  # sorts and temporary indexes (reports)
    cursor.close()


def hq_engine(url: str) -> Engine:
    """An engine on HQ's database (any SQLAlchemy URL), with its tables made if missing."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    metadata.create_all(engine)
    with engine.begin() as connection:
        row = connection.execute(
            select(hq_meta.c.value).where(hq_meta.c.key == "schema_version")
        ).first()
        if row is None:
            connection.execute(
                hq_meta.insert(), [{"key": "schema_version", "value": str(SCHEMA_VERSION)}]
            )
        elif int(row[0]) > SCHEMA_VERSION:
            engine.dispose()
            raise NewerHqSchemaError(
                _(
                    "The HQ database was written by a newer version of Outreach (schema "
                    "{found}); install that version. Nothing was changed."
                ).format(found=row[0])
            )
    return engine


class NewerHqSchemaError(Exception):
    """HQ's database comes from a newer Outreach."""
