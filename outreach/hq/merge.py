"""HQ's side of the exchange: the laptop register, and merging bundles into one database.

Each bundle is checked completely before anything is written, then merged all or
nothing (:class:`_Batches` keeps the transactions): the highest version of each
engagement wins, tombstones delete, and a bundle seen before changes nothing. Imports
take a write lock first, so two imports at once queue rather than interleave.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from isal import isal_zlib
from sqlalchemy import Connection, Engine, delete, select, update
from sqlalchemy.exc import DataError

from outreach.exchange.bundle import BundleError, VerifiedBundle, read_bundle
from outreach.exchange.keys import KeyFileError, LaptopPublicKey, hq_private_key
from outreach.hq import staged
from outreach.hq.schema import CHILD_TABLES, contact, engagement, hq_meta, laptop
from outreach.hq.schema import bundle as bundle_table
from outreach.i18n import _

CHUNK = 5000
# SQLite commits after this many records or seconds of bundles (each bundle still all
# or nothing); see _Batches.
# A transaction of SQLite bundles ends at whichever comes first. Each commit writes every
# page of the id indexes (see _Batches), so fewer, larger ones are faster; a crash loses
# at most this much work, and replaying a refused bundle's transaction costs as much.
BATCH_RECORDS = 500_000
BATCH_SECONDS = 600.0
IMPORT_CACHE_KIB = 1 << 20  # 1 GiB of SQLite page cache while importing (used as needed)
COUNT_KEYS = ("new", "updated", "unchanged", "deleted", "rejected")


class HqError(Exception):
    """An HQ operation cannot be done; the message says why."""


@dataclass
class BundleOutcome:
    """What importing one bundle did (or why it was refused)."""

    path: Path
    laptop_id: str = ""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict:
        return {
            "path": str(self.path),
            "laptop_id": self.laptop_id,
            "ok": self.ok,
            "error": self.error,
            "counts": self.counts,
        }


def totals(outcomes: Iterable[BundleOutcome]) -> dict[str, int]:
    """Counts over many bundles; ``rejected`` is the number of bundles refused."""
    result = dict.fromkeys(COUNT_KEYS, 0)
    for outcome in outcomes:
        for key in COUNT_KEYS:
            result[key] += outcome.counts[key]
        result["rejected"] += not outcome.ok
    return result


def _engagement_row(r: dict) -> tuple:
    if r.get("tombstone"):
        return (r["id"], r["version"], r["laptop_id"], True) + (None,) * 19 + (
            str(r.get("updated_at") or ""), str(r.get("deleted_at") or ""), None)  # fmt: skip
    starts = str(r["starts_at"])
    survey = r.get("survey")
    return (
        r["id"], r["version"], r["laptop_id"], False, str(r["kind"]), starts, r.get("ends_at"),
        starts[:7], str(r.get("venue", "")), str(r["district"]), str(r.get("officer", "")),
        str(r.get("team", "")), int(r.get("people_engaged") or 0), str(r.get("notes", "")),
        r.get("burglary_date"), r.get("doors_knocked"), r.get("doors_answered"),
        r.get("doors_leafleted"), " ".join(r.get("strands", [])),
        " ".join(r.get("audiences", [])), " ".join(r.get("partners", [])),
        bool(r.get("is_demo")), r.get("created_at"), r.get("updated_at"), None,
        None if survey is None else json.dumps(survey, ensure_ascii=False, sort_keys=True),
    )  # fmt: skip


def _child_rows(r: dict) -> tuple[list, list, list, list, list]:
    ident = r["id"]
    strands = [(ident, s) for s in dict.fromkeys(r.get("strands", []))]
    leaflets: dict[tuple[str, str], int] = {}
    for x in r.get("leaflets", []):
        key = (str(x["topic"]), str(x["lang"]))
        leaflets[key] = leaflets.get(key, 0) + int(x["count"])
    concerns = [
        (c["id"], ident, int(c["position"]), str(c["raised"]), str(c.get("action", "")),
         str(c.get("status", "open")))
        for c in r.get("concerns", [])
    ]  # fmt: skip
    follow_ups = [
        (f["id"], ident, int(f["position"]), str(f["description"]), f.get("due"),
         f.get("done_on"))
        for f in r.get("follow_ups", [])
    ]  # fmt: skip
    contacts = [
        (c["id"], ident, str(c["name"]), c.get("phone", ""), c.get("email", ""),
         str(c["purpose"]), c.get("consent_version", ""), c.get("consent_at"),
         str(c["retain_until"]))
        for c in r.get("contacts", [])
    ]  # fmt: skip
    return (
        strands,
        [(ident, t, lang, n) for (t, lang), n in leaflets.items()],
        concerns,
        follow_ups,
        contacts,
    )


def bulk_insert(connection: Connection, table, rows: Sequence[tuple]) -> None:
    """Insert many rows fast: COPY on PostgreSQL, executemany on SQLite, Core elsewhere."""
    if not rows:
        return
    names = [c.name for c in table.columns]
    dialect = connection.dialect.name
    if dialect == "postgresql" and connection.dialect.driver == "psycopg":
        staged.copy_rows(connection, connection.connection.driver_connection.cursor(), table, rows)
    elif dialect == "sqlite":
        marks = ", ".join("?" * len(names))
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", list(rows)
        )
    else:
        connection.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])


def _public_key(row) -> LaptopPublicKey:
    return LaptopPublicKey(row.laptop_id, row.officer, base64.b64decode(row.public_key))


class HqService:
    """HQ's register of laptops and its merged database."""

    def __init__(self, engine: Engine, data_dir: Path) -> None:
        self._engine = engine
        self.data_dir = data_dir

    @property
    def engine(self) -> Engine:
        return self._engine

    # -- register ------------------------------------------------------------------------
    def enrol(self, key: LaptopPublicKey) -> bool:
        """Register (or re-key) a laptop; returns True when it was not enrolled before."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        row = {
            "laptop_id": key.laptop_id,
            "officer": key.officer,
            "public_key": base64.b64encode(key.public_key).decode("ascii"),
            "fingerprint": key.fingerprint,
            "enrolled_at": now,
        }
        with self._engine.begin() as connection:
            known = connection.execute(
                select(laptop.c.laptop_id).where(laptop.c.laptop_id == key.laptop_id)
            ).first()
            if known:
                connection.execute(
                    update(laptop).where(laptop.c.laptop_id == key.laptop_id).values(**row)
                )
            else:
                connection.execute(laptop.insert(), [row])
        return known is None

    def laptops(self) -> list[dict]:
        with self._engine.connect() as connection:
            return [
                dict(r._mapping)
                for r in connection.execute(select(laptop).order_by(laptop.c.laptop_id))
            ]

    def laptop_key(self, laptop_id: str) -> LaptopPublicKey | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(laptop).where(laptop.c.laptop_id == laptop_id)).first()
        return None if row is None else _public_key(row)

    # -- import --------------------------------------------------------------------------
    def import_bundles(
        self,
        paths: Sequence[Path],
        progress: Callable[[int, int, BundleOutcome], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[BundleOutcome]:
        """Import each bundle on its own (one refused bundle does not stop the others)."""
        try:
            private = hq_private_key(self.data_dir)
        except KeyFileError as exc:
            raise HqError(str(exc)) from exc
        with self._engine.connect() as connection:
            register = {
                row.laptop_id: _public_key(row) for row in connection.execute(select(laptop))
            }
        outcomes: list[BundleOutcome] = []
        # The next bundle is decrypted, unzipped and checked (no database work) while
        # this one merges: hashing, inflating and the database mostly run without the GIL.
        batches = _Batches(self._engine, self._merge)
        with ThreadPoolExecutor(max_workers=1) as reader, batches:

            def read(index: int) -> Future[VerifiedBundle]:
                return reader.submit(read_bundle, paths[index], private, register.get)

            ahead = read(0) if paths else None
            for number, path in enumerate(paths, start=1):
                if cancelled and cancelled():
                    break
                current, ahead = ahead, read(number) if number < len(paths) else None
                outcomes.append(self._import_one(path, current, batches))
                if progress:
                    progress(number, len(paths), outcomes[-1])
            if ahead is not None:
                ahead.cancel()
        return outcomes

    def _import_one(
        self, path: Path, reading: Future[VerifiedBundle], batches: _Batches
    ) -> BundleOutcome:
        outcome = BundleOutcome(path)
        try:
            verified = reading.result()
            outcome.laptop_id = verified.laptop_id
            outcome.counts = batches.merge(verified)
        except BundleError as exc:
            outcome.error = str(exc)
        except (DataError, OverflowError, UnicodeEncodeError) as exc:
            # a number out of a column's range, or text no database stores (a lone
            # surrogate, from a \ud800 escape)
            outcome.error = _(
                "{name}: a value does not fit HQ's database ({error}); nothing from it was "
                "imported."
            ).format(name=path.name, error=str(getattr(exc, "orig", exc)).splitlines()[0])
        return outcome

    def _merge(self, connection: Connection, verified: VerifiedBundle) -> dict[str, int]:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        done = staged.merge(connection, verified) if staged.supported(connection) else None
        if done is None:  # a record of an unusual shape: read (or refused) in Python
            counts, records = self._merge_records(connection, verified), len(verified.records)
        else:
            counts, records = done
        connection.execute(
            delete(contact).where(contact.c.retain_until < dt.date.today().isoformat())
        )
        seen = connection.execute(
            select(bundle_table.c.sha256).where(bundle_table.c.sha256 == verified.sha256)
        ).first()
        if seen is None:
            connection.execute(
                bundle_table.insert(),
                [{"sha256": verified.sha256, "laptop_id": verified.laptop_id,
                  "created_at": str(verified.manifest["created_at"]), "imported_at": now,
                  "records": records}],
            )  # fmt: skip
        return counts

    def _merge_records(self, connection: Connection, verified: VerifiedBundle) -> dict[str, int]:
        """The merge in Python, record by record (see :mod:`outreach.hq.staged`)."""
        latest: dict[str, dict] = {}
        for record in verified.records:
            seen = latest.get(record["id"])
            if seen is None or record["version"] > seen["version"]:
                latest[record["id"]] = record
        try:
            rows = {ident: _engagement_row(r) for ident, r in latest.items()}
            children = {ident: _child_rows(r) for ident, r in latest.items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise BundleError(
                _("A record of the bundle is malformed (missing or bad {error}).").format(error=exc)
            ) from exc
        counts = dict.fromkeys(COUNT_KEYS, 0)
        ids = list(latest)
        existing: dict[str, tuple] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for row in connection.execute(
                select(engagement.c.id, engagement.c.version, engagement.c.deleted,
                       engagement.c.laptop_id).where(engagement.c.id.in_(chunk))
            ):  # fmt: skip
                existing[row[0]] = (row[1], row[2], row[3])
        winners: list[str] = []
        replaced: list[str] = []
        for ident, record in latest.items():
            old = existing.get(ident)
            if old is not None and old[2] != verified.laptop_id:
                raise BundleError(
                    _("Record {id} belongs to laptop {owner}, not to this bundle's laptop; "
                      "refused.").format(id=ident, owner=old[2])
                )  # fmt: skip
            if old is not None and old[0] >= record["version"]:
                counts["unchanged"] += 1
                continue
            if record.get("tombstone"):
                counts["deleted" if old is None or not old[1] else "updated"] += 1
            else:
                counts["new" if old is None else "updated"] += 1
            winners.append(ident)
            if old is not None:
                replaced.append(ident)
        for start in range(0, len(replaced), CHUNK):
            chunk = replaced[start : start + CHUNK]
            for table in CHILD_TABLES:
                connection.execute(delete(table).where(table.c.engagement_id.in_(chunk)))
            connection.execute(delete(engagement).where(engagement.c.id.in_(chunk)))
        bulk_insert(connection, engagement, [rows[i] for i in winners])
        for position, table in enumerate(CHILD_TABLES):
            bulk_insert(connection, table, [row for i in winners for row in children[i][position]])
        return counts


@dataclass(frozen=True)
class _Held:
    """A merged bundle kept for replay, its text deflated."""

    verified: VerifiedBundle  # with no text
    deflated: bytes

    @classmethod
    def of(cls, verified: VerifiedBundle) -> _Held:
        return cls(dataclasses.replace(verified, lines=b""), isal_zlib.compress(verified.lines, 1))

    def bundle(self) -> VerifiedBundle:
        return dataclasses.replace(self.verified, lines=isal_zlib.decompress(self.deflated))


class _Batches:
    """The transactions of an import, each bundle all or nothing.

    On SQLite several bundles share one transaction (up to ``BATCH_RECORDS`` records or
    ``BATCH_SECONDS``), with a page cache of ``IMPORT_CACHE_KIB`` while the import runs.
    HQ's ids are random, so every bundle changes pages all over each id index; one
    transaction per bundle wrote most of those pages to the WAL and back again for every
    bundle (~260 MB for a 12 MB bundle once HQ held 400,000 engagements), growing with
    the database. A transaction of many bundles writes each changed page once, and the
    larger cache keeps those pages in memory until it commits.

    A bundle that fails half-way rolls the transaction back, and the bundles merged
    before it in the same transaction are merged again (the same database, the same
    counts) before going on: no savepoints, which would copy every page a bundle changes
    into a sub-journal (~40% more CPU per bundle). Their text is held for that deflated
    (about a sixth of its size; ~40 ms for 10,000 engagements). A commit only ever falls
    between bundles, so a crash loses whole bundles (which import again as new), never
    part of one. Elsewhere each bundle is its own transaction.
    """

    def __init__(
        self, engine: Engine, merge: Callable[[Connection, VerifiedBundle], dict[str, int]]
    ) -> None:
        self._engine = engine
        self._merge = merge
        self._connection: Connection | None = None
        self._transaction = None
        self._cache: int | None = None  # the connection's own cache_size, put back after
        self._merged: list[_Held] = []  # in the open transaction
        self._started = 0.0
        self._records = 0
        self._sqlite = engine.dialect.name == "sqlite"
        self._limit = BATCH_RECORDS if self._sqlite else 0
        self._seconds = BATCH_SECONDS if self._sqlite else 0.0

    def __enter__(self) -> _Batches:
        return self

    def __exit__(self, kind, _value, _traceback) -> None:
        # After a failure the transaction holds only whole bundles (see merge): they were
        # reported imported, so they are kept.
        try:
            self._commit()
        finally:
            self._close()

    def merge(self, verified: VerifiedBundle) -> dict[str, int]:
        """Merge one bundle: its counts. When it fails, nothing of it stays (the error is
        raised again) and the bundles before it do."""
        connection = self._begin()
        try:
            counts = self._merge(connection, verified)
        except BaseException:
            self._replay()
            raise
        self._records += sum(counts.values())
        if self._records < self._limit:  # replayed only if a later bundle fails
            self._merged.append(_Held.of(verified))
        if self._records >= self._limit or time.monotonic() - self._started >= self._seconds:
            self._commit()
        return counts

    def _replay(self) -> None:
        """Roll back, and merge again the bundles merged before in this transaction."""
        merged = self._merged
        self._transaction.rollback()
        self._transaction, self._merged = None, []
        if merged:
            connection = self._begin()
            try:
                for held in merged:
                    self._merge(connection, held.bundle())
            except BaseException:  # not as before: nothing of this transaction is kept
                self._transaction.rollback()
                self._transaction = None
                raise
            self._merged = merged

    def _begin(self) -> Connection:
        if self._connection is None:
            self._connection = self._engine.connect()
            if self._sqlite:
                raw = self._connection.connection.driver_connection
                self._cache = raw.execute("PRAGMA cache_size").fetchone()[0]
                raw.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        if self._transaction is None:
            self._transaction = self._connection.begin()
            try:
                # One writer at a time: this takes the database's write lock (SQLite) or
                # the row lock (PostgreSQL) before anything is read.
                self._connection.execute(
                    update(hq_meta)
                    .where(hq_meta.c.key == "schema_version")
                    .values(value=hq_meta.c.value)
                )
            except BaseException:
                self._transaction.rollback()
                self._transaction = None
                raise
            self._started = time.monotonic()
            self._records = 0
        return self._connection

    def _commit(self) -> None:
        transaction, self._transaction, self._merged = self._transaction, None, []
        if transaction is not None:
            transaction.commit()

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        self._transaction = None
        if connection is None:
            return
        try:
            if self._cache is not None:
                if connection.in_transaction():
                    connection.rollback()
                connection.connection.driver_connection.execute(
                    f"PRAGMA cache_size = {int(self._cache)}"
                )
        finally:
            connection.close()
