"""Export this laptop's engagement log to a bundle for HQ.

Incremental by default: every engagement created, edited or deleted (and every survey
touched) since the last export; ``full`` sends everything. HQ keeps the highest version
of each record, so sending a record twice is harmless and re-exporting is always safe.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Date, DateTime, Engine, String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from outreach import __version__
from outreach.engagements.model import consent_covers_hq
from outreach.exchange import rendered
from outreach.exchange.bundle import BundleChunk, BundleError, BundleSummary, write_bundle
from outreach.exchange.keys import (
    HQ_PUBLIC_ON_LAPTOP,
    HqPublicKey,
    KeyFileError,
    laptop_public_key,
    laptop_signing_key,
)
from outreach.i18n import _
from outreach.storage.database import laptop_id as read_laptop_id
from outreach.storage.models import (
    AuditEvent,
    Engagement,
    Meta,
    Survey,
)

LAST_EXPORT_KEY = "export.last_mark"
CHUNK = 2000


class ExportError(Exception):
    """The export cannot be made; the message says why and what to do."""


class ExportCancelled(ExportError):
    """The officer cancelled the export; nothing was written or marked."""


def _raw(column):
    """A column read as the text SQLite stores (no datetime parsing: it is the hot path)."""
    if isinstance(column.type, (DateTime, Date)):
        return type_coerce(column, String).label(column.name)
    return column


def _text(value: str | None) -> str | None:
    """ISO 8601 text of a stored SQLite date or time ("2026-11-20 10:00:00.000000")."""
    if value is None:
        return None
    value = str(value).replace(" ", "T", 1)
    return value[:-7] if value.endswith(".000000") else value


_ENGAGEMENT_SQL = (
    "SELECT id, version, laptop_id, kind, starts_at, ends_at, venue, district, officer, team,"
    " people_engaged, notes, burglary_date, doors_knocked, doors_answered, doors_leafleted,"
    " strands, audiences, partners, is_demo, created_at, updated_at, deleted_at FROM engagement"
)
# Marks are stored as ISO text with a 'T'; SQLite keeps times with a space: compare alike.
_CHANGED_SQL = (
    " WHERE updated_at >= replace(?, 'T', ' ')"
    " OR id IN (SELECT engagement_id FROM survey WHERE updated_at >= replace(?, 'T', ' '))"
)
_CHILD_SQL = {
    "leaflets": "SELECT engagement_id, topic_id, lang, count FROM leaflet_count",
    "concerns": "SELECT engagement_id, position, id, raised, action, status FROM concern",
    "follow_ups": "SELECT engagement_id, position, id, description, due, done_on FROM follow_up",
    "contacts": "SELECT engagement_id, purpose, id, name, phone, email, consent_version,"
    " consent_at, retain_until FROM public_contact",
}


def _build(row: tuple, children: dict[str, Iterable[tuple]], survey: dict | None) -> dict:
    """A bundle record from an engagement row, its children's rows and its survey."""
    (ident, version, laptop, kind, starts, ends, venue, district, officer, team,
     people, notes, burglary, knocked, answered, leafleted, strands, audiences,
     partners, is_demo, created, updated, deleted) = row  # fmt: skip
    if deleted is not None:
        return {
            "id": ident,
            "version": version,
            "laptop_id": laptop,
            "tombstone": True,
            "deleted_at": _text(deleted),
            "updated_at": _text(updated),
        }
    return {
        "id": ident,
        "version": version,
        "laptop_id": laptop,
        "kind": kind,
        "starts_at": _text(starts),
        "ends_at": _text(ends),
        "venue": venue,
        "district": district,
        "officer": officer,
        "team": team,
        "people_engaged": people,
        "notes": notes,
        "burglary_date": burglary,
        "doors_knocked": knocked,
        "doors_answered": answered,
        "doors_leafleted": leafleted,
        "strands": strands.split(),
        "audiences": audiences.split(),
        "partners": partners.split(),
        "is_demo": bool(is_demo),
        "created_at": _text(created),
        "updated_at": _text(updated),
        "leaflets": [
            {"topic": t, "lang": lang, "count": n}
            for _e, t, lang, n in sorted(children["leaflets"])
        ],
        "concerns": [
            {"id": c, "position": pos, "raised": raised, "action": action,
             "status": status}
            for _e, pos, c, raised, action, status in sorted(children["concerns"])
        ],
        "follow_ups": [
            {"id": f, "position": pos, "description": text, "due": due,
             "done_on": done}
            for _e, pos, f, text, due, done in sorted(children["follow_ups"])
        ],
        "survey": survey,
        "contacts": [
            {"id": c[2], "name": c[3], "phone": c[4], "email": c[5],
             "purpose": c[1], "consent_version": c[6],
             "consent_at": _text(c[7]), "retain_until": c[8]}
            for c in children["contacts"]
            if consent_covers_hq(c[1])
        ],
    }  # fmt: skip


# Engagements changed since the mark (or whose survey was), as a WHERE over engagement e.
_CHANGED_E_SQL = (
    " WHERE (e.updated_at >= replace(?, 'T', ' ')"
    " OR e.id IN (SELECT engagement_id FROM survey WHERE updated_at >= replace(?, 'T', ' ')))"
)
# What an export reads: each engagement's kept text, when it is usable (see rendered.py),
# as the UTF-8 bytes that go into the bundle (no decoding and encoding again).
_KEPT_JOIN = (
    " FROM engagement e LEFT JOIN export_text x ON x.engagement_rowid = e.rowid"
    " AND x.engagement_id = e.id AND x.version = e.version"
    f" AND x.format = {rendered.TEXT_VERSION}{{where}}"
)
_KEPT_SQL = (
    "SELECT e.rowid, e.id, e.version, x.tombstone, CAST(x.line AS BLOB), CAST(x.row AS BLOB),"
    f" x.leaflets, x.concerns, x.follow_ups{_KEPT_JOIN} ORDER BY e.rowid"
)


@dataclass
class ExportResult:
    """What an export wrote."""

    summary: BundleSummary
    since: str | None

    def to_json(self) -> dict:
        return {
            "path": str(self.summary.path),
            "laptop_id": self.summary.laptop_id,
            "officer": self.summary.officer,
            "created_at": self.summary.created_at,
            "full": self.summary.full,
            "since": self.since,
            "counts": self.summary.counts,
            "bytes": self.summary.size,
        }


class ExportService:
    """Makes bundles from one laptop's database and data folder."""

    def __init__(
        self,
        engine: Engine,
        data_dir: Path,
        officer: str,
        checklists: dict | None = None,
    ) -> None:
        self._engine = engine
        self.data_dir = data_dir
        self.officer = officer
        self.checklists = checklists or {}

    # -- keys ----------------------------------------------------------------------------
    def hq_key(self, path: Path | None = None) -> HqPublicKey:
        """HQ's public key: from ``path`` (kept for later exports) or the one kept before."""
        kept = self.data_dir / HQ_PUBLIC_ON_LAPTOP
        if path is not None:
            key = HqPublicKey.read(path)
            key.write(kept)
            return key
        if not kept.exists():
            raise ExportError(
                _(
                    "This laptop has no HQ public key yet. Ask HQ for its key file "
                    "(made by 'outreach hq init') and export with --hq-key FILE once."
                )
            )
        return HqPublicKey.read(kept)

    def has_hq_key(self) -> bool:
        return (self.data_dir / HQ_PUBLIC_ON_LAPTOP).exists()

    def laptop_key(self):
        return laptop_public_key(self.data_dir, read_laptop_id(self._engine), self.officer)

    # -- state ---------------------------------------------------------------------------
    def last_mark(self) -> str | None:
        with Session(self._engine) as session:
            row = session.get(Meta, LAST_EXPORT_KEY)
            return row.value if row else None

    def pending(self, full: bool = False) -> int:
        """How many engagements (tombstones included) the next export would carry."""
        since = None if full else self.last_mark()
        with Session(self._engine) as session:
            return (
                session.scalar(
                    select(func.count()).select_from(Engagement).where(*self._changed(since))
                )
                or 0
            )

    @staticmethod
    def _changed(since: str | None) -> list:
        if since is None:
            return []
        mark = dt.datetime.fromisoformat(since)
        touched = select(Survey.engagement_id).where(Survey.updated_at >= mark)
        return [or_(Engagement.updated_at >= mark, Engagement.id.in_(touched))]

    # -- export --------------------------------------------------------------------------
    def export(
        self,
        out: Path,
        *,
        full: bool = False,
        hq_key_file: Path | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ExportResult:
        """Write a bundle to ``out``; records the export mark and an audit event."""
        try:
            hq_key = self.hq_key(hq_key_file)
            signing_key = laptop_signing_key(self.data_dir)
            laptop = self.laptop_key()
        except KeyFileError as exc:
            raise ExportError(str(exc)) from exc
        mark = dt.datetime.now().replace(microsecond=0).isoformat()
        since = None if full else self.last_mark()
        total = self.pending(full)

        def report(done: int) -> None:
            if cancelled and cancelled():
                raise ExportCancelled(_("Export cancelled; nothing was written."))
            if progress:
                progress(done, total)

        try:
            summary = write_bundle(
                out,
                self.chunks(since),
                laptop=laptop,
                signing_key=signing_key,
                hq_key=hq_key,
                full=full,
                since=since,
                app_version=__version__,
                progress=report,
            )
        except BundleError as exc:  # too large for one bundle
            raise ExportError(str(exc)) from exc
        except OSError as exc:
            raise ExportError(
                _("The bundle cannot be written to {path} ({error}).").format(
                    path=out, error=exc.strerror or exc
                )
            ) from exc
        with Session(self._engine) as session, session.begin():
            session.merge(Meta(key=LAST_EXPORT_KEY, value=mark))
            session.add(
                AuditEvent(
                    at=dt.datetime.now(dt.UTC),
                    actor=self.officer,
                    action="export",
                    detail=json.dumps(
                        {"file": out.name, "full": full, "since": since, **summary.counts}
                    ),
                )
            )
        return ExportResult(summary, since)

    def records(self, since: str | None = None) -> Iterator[dict]:
        """Engagements changed since ``since`` (all when None) as bundle records.

        One pass over each table through the SQLite driver (no ORM objects, no date
        parsing), children grouped by engagement in memory. :meth:`chunks` writes the
        same records straight to text, and is what an export uses.
        """
        where, params = ("", ()) if since is None else (_CHANGED_SQL, (since, since))
        chosen = f" WHERE engagement_id IN (SELECT id FROM engagement{where})" if where else ""
        with self._engine.connect() as connection:
            raw = connection.connection.driver_connection
            groups: dict[str, dict[str, list]] = {}
            for name, sql in _CHILD_SQL.items():
                group = groups[name] = defaultdict(list)
                for row in raw.execute(sql + chosen, params):
                    group[row[0]].append(row)
            surveys = {
                row["engagement_id"]: self._survey(row)
                for row in connection.execute(
                    select(*(_raw(c) for c in Survey.__table__.columns)).where(
                        *([Survey.engagement_id.in_(select(Engagement.id).where(
                            *self._changed(since)))] if since else [])
                    )
                ).mappings()
            }  # fmt: skip
            for row in raw.execute(_ENGAGEMENT_SQL + where, params):
                ident = row[0]
                yield _build(
                    row,
                    {name: group.get(ident, ()) for name, group in groups.items()},
                    surveys.get(ident),
                )

    def chunks(self, since: str | None = None, size: int = CHUNK) -> Iterator[BundleChunk]:
        """The records of :meth:`records`, already written as JSON lines and CSV rows.

        The same text, in the same order, as writing what :meth:`records` yields. Text kept
        when each engagement was saved is read as it is; the rest is written now.
        """
        where, params = ("", ()) if since is None else (_CHANGED_E_SQL, (since, since))
        with self._engine.connect() as connection:
            raw = connection.connection.driver_connection
            cursor = raw.execute(_KEPT_SQL.replace("{where}", where), params)
            first = cursor.fetchmany(size)
            if sum(row[4] is None for row in first) * 2 > len(first):
                # The oldest mostly have none: a log saved before text was kept. One pass
                # writes it all faster than filling gaps batch by batch.
                cursor.close()
                batches = rendered.render(raw, where, params, size)
            else:
                batches = self._kept(raw, cursor, first, where, params, size)
            for batch in batches:
                chunk = BundleChunk()
                lines, table, counts = chunk.lines, chunk.table, chunk.counts
                for _rowid, ident, _version, dead, line, cells, n_l, n_c, n_f in batch:
                    if line is None:
                        chunk.add(self._one(connection, ident))
                        continue
                    if type(line) is str:  # written now, not kept
                        line, cells = line.encode("utf-8"), cells.encode("utf-8")
                    if dead:
                        lines.append(line)
                        table.append(cells)
                        counts["tombstones"] += 1
                    else:
                        lines.append(line)
                        table.append(cells)
                        counts["engagements"] += 1
                        counts["leaflets"] += n_l
                        counts["concerns"] += n_c
                        counts["follow_ups"] += n_f
                yield chunk

    @staticmethod
    def _kept(raw, cursor, first: list, where: str, params: tuple, size: int) -> Iterator[list]:
        """Batches of :data:`rendered.Rendered` from ``cursor`` (over :data:`_KEPT_SQL`,
        ``first`` already fetched): the kept text where it is usable, the rest written now,
        in the same order."""
        # Built in Python whatever is kept (consent and scores are checked at export).
        extra = {row[0] for row in raw.execute(rendered.EXTRA_SQL.replace("{where}", where),
                                               params * 2)}  # fmt: skip
        rows = first
        while rows:
            unkept = [row[0] for row in rows if row[4] is None or row[0] in extra]
            if unkept:
                written = {}
                for batch in rendered.render(raw, rendered.BY_ROWID, (rendered.rowids(unkept),)):
                    written.update((item[0], item) for item in batch)
                rows = [written.get(row[0], row) for row in rows]
            yield rows
            rows = cursor.fetchmany(size)

    def _one(self, connection, ident: str) -> dict:
        """One engagement as a bundle record, built in Python (see :meth:`records`)."""
        raw = connection.connection.driver_connection
        row = raw.execute(_ENGAGEMENT_SQL + " WHERE id = ?", (ident,)).fetchone()
        children = {
            name: raw.execute(sql + " WHERE engagement_id = ?", (ident,)).fetchall()
            for name, sql in _CHILD_SQL.items()
        }
        survey = (
            connection.execute(
                select(*(_raw(c) for c in Survey.__table__.columns)).where(
                    Survey.engagement_id == ident
                )
            )
            .mappings()
            .first()
        )
        return _build(row, children, None if survey is None else self._survey(survey))

    def _survey(self, survey) -> dict:
        answers = json.loads(survey["answers"] or "{}")
        document = {
            "id": survey["id"],
            "sector": survey["sector"],
            "business_name": survey["business_name"],
            "status": survey["status"],
            "answers": answers,
            "follow_up_date": _text(survey["follow_up_date"]),
            "updated_at": _text(survey["updated_at"]),
            "completed_at": _text(survey["completed_at"]),
            "result": None,
        }
        checklist = self.checklists.get(survey["sector"])
        if checklist is not None:
            from outreach.engagements.survey import score

            day = dt.date.fromisoformat(str(survey["completed_at"] or survey["updated_at"])[:10])
            result = score(checklist, answers, day)
            document["result"] = {
                "overall": None if result.overall is None else round(result.overall, 1),
                "answered": result.answered,
                "questions": result.questions,
                "recommendations": len(result.recommendations),
            }
        return document
