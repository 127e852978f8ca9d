"""Export this laptop's engagement log to a bundle for HQ.

Incremental by default: every engagement created, edited or deleted (and every survey
touched) since the last export; ``full`` sends everything. HQ keeps the highest version
of each record, so sending a record twice is harmless and re-exporting is always safe.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from outreach import __version__
from outreach.exchange.bundle import BundleSummary, write_bundle
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
    Concern,
    Engagement,
    FollowUp,
    LeafletCount,
    Meta,
    PublicContact,
    Survey,
)

LAST_EXPORT_KEY = "export.last_mark"
CHUNK = 2000
_HQ_WORDS = re.compile(r"\b(hq|headquarters|force[- ]wide)\b", re.IGNORECASE)


class ExportError(Exception):
    """The export cannot be made; the message says why and what to do."""


class ExportCancelled(ExportError):
    """The officer cancelled the export; nothing was written or marked."""


def consent_covers_hq(purpose: str) -> bool:
    """Whether a contact's recorded consent purpose names HQ (so the details may travel)."""
    return bool(_HQ_WORDS.search(purpose or ""))


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


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
                self.records(since),
                laptop=laptop,
                signing_key=signing_key,
                hq_key=hq_key,
                full=full,
                since=since,
                app_version=__version__,
                progress=report,
            )
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
        """Engagements changed since ``since`` (all when None) as bundle records."""
        where = self._changed(since)
        columns = [c for c in Engagement.__table__.columns]
        with self._engine.connect() as connection:
            ids_query = select(Engagement.id).where(*where).order_by(Engagement.id)
            ids = [row[0] for row in connection.execute(ids_query)]
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                rows = connection.execute(
                    select(*columns).where(Engagement.id.in_(chunk)).order_by(Engagement.id)
                ).all()
                children = self._children(connection, chunk)
                for row in rows:
                    yield self._record(row._mapping, children)

    def _children(self, connection, ids: list[str]) -> dict[str, dict]:
        found: dict[str, dict] = defaultdict(lambda: defaultdict(list))
        for r in connection.execute(
            select(LeafletCount.engagement_id, LeafletCount.topic_id, LeafletCount.lang,
                   LeafletCount.count)
            .where(LeafletCount.engagement_id.in_(ids))
            .order_by(LeafletCount.engagement_id, LeafletCount.topic_id, LeafletCount.lang)
        ):  # fmt: skip
            found[r[0]]["leaflets"].append({"topic": r[1], "lang": r[2], "count": r[3]})
        for r in connection.execute(
            select(Concern.engagement_id, Concern.id, Concern.position, Concern.raised,
                   Concern.action, Concern.status)
            .where(Concern.engagement_id.in_(ids))
            .order_by(Concern.engagement_id, Concern.position)
        ):  # fmt: skip
            found[r[0]]["concerns"].append(
                {"id": r[1], "position": r[2], "raised": r[3], "action": r[4], "status": r[5]}
            )
        for r in connection.execute(
            select(FollowUp.engagement_id, FollowUp.id, FollowUp.position, FollowUp.description,
                   FollowUp.due, FollowUp.done_on)
            .where(FollowUp.engagement_id.in_(ids))
            .order_by(FollowUp.engagement_id, FollowUp.position)
        ):  # fmt: skip
            found[r[0]]["follow_ups"].append(
                {"id": r[1], "position": r[2], "description": r[3], "due": _iso(r[4]),
                 "done_on": _iso(r[5])}
            )  # fmt: skip
        for contact in connection.execute(
            select(PublicContact).where(PublicContact.engagement_id.in_(ids))
        ).mappings():
            if consent_covers_hq(contact["purpose"]):
                found[contact["engagement_id"]]["contacts"].append(
                    {
                        "id": contact["id"],
                        "name": contact["name"],
                        "phone": contact["phone"],
                        "email": contact["email"],
                        "purpose": contact["purpose"],
                        "consent_version": contact["consent_version"],
                        "consent_at": _iso(contact["consent_at"]),
                        "retain_until": _iso(contact["retain_until"]),
                    }
                )
        for survey in connection.execute(
            select(Survey).where(Survey.engagement_id.in_(ids))
        ).mappings():
            found[survey["engagement_id"]]["survey"] = self._survey(survey)
        return found

    def _survey(self, survey) -> dict:
        answers = json.loads(survey["answers"] or "{}")
        document = {
            "id": survey["id"],
            "sector": survey["sector"],
            "business_name": survey["business_name"],
            "status": survey["status"],
            "answers": answers,
            "follow_up_date": _iso(survey["follow_up_date"]),
            "updated_at": _iso(survey["updated_at"]),
            "completed_at": _iso(survey["completed_at"]),
            "result": None,
        }
        checklist = self.checklists.get(survey["sector"])
        if checklist is not None:
            from outreach.engagements.survey import score

            day = (survey["completed_at"] or survey["updated_at"]).date()
            result = score(checklist, answers, day)
            document["result"] = {
                "overall": None if result.overall is None else round(result.overall, 1),
                "answered": result.answered,
                "questions": result.questions,
                "recommendations": len(result.recommendations),
            }
        return document

    @staticmethod
    def _record(row, children: dict[str, dict]) -> dict:
        if row["deleted_at"] is not None:
            return {
                "id": row["id"],
                "version": row["version"],
                "laptop_id": row["laptop_id"],
                "tombstone": True,
                "deleted_at": _iso(row["deleted_at"]),
                "updated_at": _iso(row["updated_at"]),
            }
        extra = children.get(row["id"], {})
        return {
            "id": row["id"],
            "version": row["version"],
            "laptop_id": row["laptop_id"],
            "kind": row["kind"],
            "starts_at": _iso(row["starts_at"]),
            "ends_at": _iso(row["ends_at"]),
            "venue": row["venue"],
            "district": row["district"],
            "officer": row["officer"],
            "team": row["team"],
            "people_engaged": row["people_engaged"],
            "notes": row["notes"],
            "burglary_date": _iso(row["burglary_date"]),
            "doors_knocked": row["doors_knocked"],
            "doors_answered": row["doors_answered"],
            "doors_leafleted": row["doors_leafleted"],
            "strands": row["strands"].split(),
            "audiences": row["audiences"].split(),
            "partners": row["partners"].split(),
            "is_demo": bool(row["is_demo"]),
            "created_at": _iso(row["created_at"]),
            "updated_at": _iso(row["updated_at"]),
            "leaflets": extra.get("leaflets", []),
            "concerns": extra.get("concerns", []),
            "follow_ups": extra.get("follow_ups", []),
            "survey": extra.get("survey"),
            "contacts": extra.get("contacts", []),
        }
