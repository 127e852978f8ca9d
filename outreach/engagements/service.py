"""The engagement log service: record, edit, delete, list, follow up and purge.

Every change runs in one short transaction and leaves an entry in the edit history.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, and_, func, select, text
from sqlalchemy.orm import Session, selectinload

from outreach.advice.search import query_terms
from outreach.advice.textfold import fold
from outreach.engagements.model import (
    ConcernLine,
    ConcernStatus,
    ContactLine,
    EngagementData,
    EngagementFilter,
    EngagementRecord,
    EngagementRow,
    FieldError,
    FollowUpLine,
    Kind,
    LeafletLine,
)
from outreach.exchange import rendered
from outreach.i18n import _
from outreach.storage.models import (
    AuditEvent,
    Concern,
    Draft,
    EditEvent,
    Engagement,
    EngagementStrand,
    FollowUp,
    LeafletCount,
    PublicContact,
)

POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
HOUSE_NUMBER = re.compile(r"^\s*(flat\s+)?\d+[a-z]?\b", re.IGNORECASE)
MAX_RETENTION_DAYS = 730


class EngagementError(Exception):
    """A change that cannot be made; the message says why."""


class ValidationError(EngagementError):
    """The data has problems; each names its field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class ConflictError(EngagementError):
    """The record changed since it was opened (another window or an import)."""


@dataclass(frozen=True)
class Vocabulary:
    """The ids a record may use (from the reference lists and the advice library)."""

    districts: frozenset[str]
    teams: frozenset[str]
    partners: frozenset[str]
    audiences: frozenset[str]
    strands: frozenset[str]
    topics: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    names: dict[str, str] = field(default_factory=dict)  # id -> display name, for search

    @classmethod
    def from_sources(cls, reference, library) -> Vocabulary:
        names = {i.id: i.name for i in (*reference.districts, *reference.teams)}
        return cls(
            districts=frozenset(reference.ids("district")),
            teams=frozenset(reference.ids("team")),
            partners=frozenset(reference.ids("partner")),
            audiences=frozenset(reference.ids("audience")),
            strands=frozenset(s.id for s in library.strands),
            topics=frozenset(t.id for t in library.topics),
            languages=frozenset(library.languages),
            names=names,
        )


def validate(
    data: EngagementData, vocab: Vocabulary, today: dt.date | None = None
) -> list[FieldError]:
    """Every problem with ``data``, each naming its field."""
    today = today or dt.date.today()
    errors: list[FieldError] = []

    def bad(field_name: str, message: str) -> None:
        errors.append(FieldError(field_name, message))

    if data.kind not in {k.value for k in Kind}:
        bad("kind", _("Choose what sort of engagement this was."))
    if data.district not in vocab.districts:
        bad("district", _("Choose a district from the list."))
    if data.team and data.team not in vocab.teams:
        bad("team", _("Choose a team from the list."))
    if data.ends_at and data.ends_at < data.starts_at:
        bad("ends_at", _("The end is before the start."))
    if data.starts_at.date() > today + dt.timedelta(days=366):
        bad("starts_at", _("The start is more than a year from now."))
    for name, ids, known in (
        ("strands", data.strands, vocab.strands),
        ("audiences", data.audiences, vocab.audiences),
        ("partners", data.partners, vocab.partners),
    ):
        unknown = sorted(set(ids) - known)
        if unknown:
            bad(name, _("Unknown: {ids}.").format(ids=", ".join(unknown)))
    if data.people_engaged < 0:
        bad("people_engaged", _("People engaged cannot be below zero."))
    venue = data.venue.strip()
    if data.kind != Kind.PREMISES_VISIT and (POSTCODE.search(venue) or HOUSE_NUMBER.match(venue)):
        bad(
            "venue",
            _("Give the venue, street or area, not a home address or postcode."),
        )
    for line in data.leaflets:
        if line.count <= 0:
            bad("leaflets", _("Leaflet counts must be at least 1."))
        elif vocab.topics and line.topic_id not in vocab.topics:
            bad("leaflets", _("Unknown advice topic {topic!r}.").format(topic=line.topic_id))
        elif vocab.languages and line.lang not in vocab.languages:
            bad("leaflets", _("Unknown leaflet language {lang!r}.").format(lang=line.lang))
    for concern in data.concerns:
        if not concern.raised.strip():
            bad("concerns", _("Each concern needs what was said."))
        if concern.status not in {s.value for s in ConcernStatus}:
            bad("concerns", _("Unknown concern status {status!r}.").format(status=concern.status))
        elif concern.status == ConcernStatus.DONE and not concern.action.strip():
            bad("concerns", _("Say what was done before marking a concern done."))
    for follow_up in data.follow_ups:
        if not follow_up.description.strip():
            bad("follow_ups", _("Each follow-up needs a description."))
    for contact in data.contacts:
        if not contact.name.strip() or not (contact.phone.strip() or contact.email.strip()):
            bad("contacts", _("A contact needs a name and a phone number or e-mail address."))
        if not contact.purpose.strip() or not contact.consent_version.strip():
            bad("contacts", _("Record the purpose and the consent wording the person agreed to."))
        if not contact.consent_taken_by.strip():
            bad("contacts", _("Record who took the consent."))
        if contact.retain_until <= today:
            bad("contacts", _("The retention date must be in the future."))
        elif contact.retain_until > today + dt.timedelta(days=MAX_RETENTION_DAYS):
            bad("contacts", _("Keep contact details for two years at most."))
    if data.kind == Kind.COCOONING:
        if data.burglary_date is None:
            bad("burglary_date", _("Enter the date of the burglary this visit follows."))
        elif data.burglary_date > data.starts_at.date():
            bad("burglary_date", _("The burglary date is after the visit."))
        knocked = data.doors_knocked or 0
        for name, value in (
            ("doors_answered", data.doors_answered),
            ("doors_leafleted", data.doors_leafleted),
        ):
            if value is not None and value > knocked:
                bad(name, _("Cannot be more than the doors knocked."))
        for name in ("doors_knocked", "doors_answered", "doors_leafleted"):
            value = getattr(data, name)
            if value is not None and value < 0:
                bad(name, _("Cannot be below zero."))
    return errors


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def search_text(data: EngagementData, vocab: Vocabulary) -> str:
    """Folded words the list's text filter matches."""
    parts = [
        data.venue,
        data.notes,
        data.officer,
        vocab.names.get(data.district, data.district),
        vocab.names.get(data.team, data.team),
        *(c.raised for c in data.concerns),
        *(c.action for c in data.concerns),
        *(f.description for f in data.follow_ups),
    ]
    return " " + fold(" ".join(p for p in parts if p)) + " "


def _apply(row: Engagement, data: EngagementData, vocab: Vocabulary) -> None:
    row.kind = data.kind
    row.starts_at = data.starts_at
    row.ends_at = data.ends_at
    row.venue = data.venue.strip()
    row.district = data.district
    row.officer = data.officer.strip()
    row.team = data.team
    row.people_engaged = data.people_engaged
    row.notes = data.notes
    row.burglary_date = data.burglary_date
    row.doors_knocked = data.doors_knocked
    row.doors_answered = data.doors_answered
    row.doors_leafleted = data.doors_leafleted
    row.strands = " ".join(data.strands)
    row.strand_links = [
        EngagementStrand(strand_id=s, starts_at=data.starts_at) for s in dict.fromkeys(data.strands)
    ]
    row.audiences = " ".join(data.audiences)
    row.partners = " ".join(data.partners)
    merged: dict[tuple[str, str], int] = {}
    for line in data.leaflets:
        merged[(line.topic_id, line.lang)] = merged.get((line.topic_id, line.lang), 0) + line.count
    row.leaflets = [
        LeafletCount(topic_id=t, lang=lang, count=n) for (t, lang), n in sorted(merged.items())
    ]
    row.concerns = [
        Concern(
            id=c.id or str(uuid.uuid4()),
            position=i,
            raised=c.raised.strip(),
            action=c.action.strip(),
            status=c.status,
        )
        for i, c in enumerate(data.concerns)
    ]
    row.follow_ups = [
        FollowUp(
            id=f.id or str(uuid.uuid4()),
            position=i,
            description=f.description.strip(),
            due=f.due,
            done_on=f.done_on,
        )
        for i, f in enumerate(data.follow_ups)
    ]
    row.contacts = [
        PublicContact(
            id=c.id or str(uuid.uuid4()),
            name=c.name.strip(),
            phone=c.phone.strip(),
            email=c.email.strip(),
            purpose=c.purpose.strip(),
            consent_version=c.consent_version.strip(),
            consent_taken_by=c.consent_taken_by.strip(),
            consent_at=c.consent_at or _now(),
            retain_until=c.retain_until,
        )
        for c in data.contacts
    ]


def _fts_row(data: EngagementData, vocab: Vocabulary) -> dict[str, object]:
    return {
        "search_text": search_text(data, vocab),
        "starts_at": data.starts_at.isoformat(sep=" "),
        "kind": data.kind,
        "district": data.district,
        "strands": " " + " ".join(data.strands) + " ",
    }


FTS_INSERT = text(
    "INSERT INTO engagement_fts(rowid, search_text, starts_at, kind, district, strands)"
    " VALUES (:rowid, :search_text, :starts_at, :kind, :district, :strands)"
)
FTS_DELETE = text("DELETE FROM engagement_fts WHERE rowid = :rowid")
ROWID_OF = text("SELECT rowid FROM engagement WHERE id = :id")


def _index_text(
    session: Session, engagement_id: str, data: EngagementData | None, vocab: Vocabulary
) -> None:
    """Keep the word index in step with one engagement (``data`` None removes it)."""
    rowid = session.execute(ROWID_OF, {"id": engagement_id}).scalar_one()
    session.execute(FTS_DELETE, {"rowid": rowid})
    if data is not None:
        session.execute(FTS_INSERT, {"rowid": rowid, **_fts_row(data, vocab)})


def _keep_text(session: Session, *engagement_ids: str) -> None:
    """Write and keep the bundle text of engagements just changed, so that an export only
    reads it (see outreach/exchange/rendered.py). Called last in a change's transaction:
    a later write to the engagement or its children would delete it again."""
    session.flush()
    raw = session.connection().connection.driver_connection
    for engagement_id in engagement_ids:
        rendered.keep(raw, rendered.BY_ID, (engagement_id,))


def _data_of(row: Engagement) -> EngagementData:
    return EngagementData(
        kind=row.kind,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        venue=row.venue,
        district=row.district,
        officer=row.officer,
        team=row.team,
        strands=row.strands.split(),
        audiences=row.audiences.split(),
        partners=row.partners.split(),
        people_engaged=row.people_engaged,
        leaflets=[LeafletLine(x.topic_id, x.lang, x.count) for x in row.leaflets],
        concerns=[ConcernLine(x.raised, x.action, x.status, x.id) for x in row.concerns],
        follow_ups=[FollowUpLine(x.description, x.due, x.done_on, x.id) for x in row.follow_ups],
        contacts=[
            ContactLine(
                name=x.name,
                purpose=x.purpose,
                consent_version=x.consent_version,
                consent_taken_by=x.consent_taken_by,
                retain_until=x.retain_until,
                phone=x.phone,
                email=x.email,
                consent_at=x.consent_at,
                id=x.id,
            )
            for x in row.contacts
        ],
        notes=row.notes,
        burglary_date=row.burglary_date,
        doors_knocked=row.doors_knocked,
        doors_answered=row.doors_answered,
        doors_leafleted=row.doors_leafleted,
    )


def _record_of(row: Engagement) -> EngagementRecord:
    return EngagementRecord(
        id=row.id,
        version=row.version,
        laptop_id=row.laptop_id,
        data=_data_of(row),
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
        is_demo=row.is_demo,
    )


def _diff(old: dict, new: dict) -> dict:
    """Fields that changed, as {field: [old, new]}; personal details are not copied."""
    changes = {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            if key == "contacts":
                changes[key] = [len(old.get(key) or []), len(new.get(key) or [])]
            else:
                changes[key] = [old.get(key), new.get(key)]
    return changes


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    changes: dict


@dataclass(frozen=True)
class OpenFollowUp:
    engagement_id: str
    follow_up_id: str
    description: str
    due: dt.date
    venue: str
    district: str

    def overdue(self, today: dt.date | None = None) -> bool:
        return self.due < (today or dt.date.today())


@dataclass(frozen=True)
class UnansweredConcern:
    engagement_id: str
    concern_id: str
    raised: str
    action: str
    status: str
    starts_at: dt.datetime
    district: str


class EngagementService:
    """Engagements on this laptop, for one officer (the actor in the history)."""

    def __init__(self, engine: Engine, laptop_id: str, actor: str, vocab: Vocabulary) -> None:
        self._engine = engine
        self.laptop_id = laptop_id
        self.actor = actor or _("unknown officer")
        self.vocab = vocab

    # -- changes -----------------------------------------------------------------------
    def create(self, data: EngagementData, *, is_demo: bool = False) -> str:
        """Store a new engagement; returns its id. Raises :class:`ValidationError`."""
        errors = validate(data, self.vocab)
        if errors:
            raise ValidationError(errors)
        now = _now()
        ident = str(uuid.uuid4())
        row = Engagement(
            id=ident,
            version=1,
            laptop_id=self.laptop_id,
            is_demo=is_demo,
            created_at=now,
            updated_at=now,
        )
        _apply(row, data, self.vocab)
        with Session(self._engine) as session, session.begin():
            session.add(row)
            session.flush()
            _index_text(session, ident, data, self.vocab)
            self._log(session, "create", ident, _diff({}, _json_of(data)))
            _keep_text(session, ident)
        return ident

    def update(
        self, engagement_id: str, data: EngagementData, expected_version: int | None = None
    ) -> int:
        """Replace an engagement's data; returns the new version."""
        errors = validate(data, self.vocab)
        if errors:
            raise ValidationError(errors)
        with Session(self._engine) as session, session.begin():
            row = self._load(session, engagement_id)
            if expected_version is not None and row.version != expected_version:
                raise ConflictError(
                    _("This engagement was changed elsewhere (now version {v}); reopen it.").format(
                        v=row.version
                    )
                )
            old = _json_of(_data_of(row))
            _apply(row, data, self.vocab)
            changes = _diff(old, _json_of(data))
            if not changes:
                return row.version
            row.version += 1
            row.updated_at = _now()
            session.flush()
            _index_text(session, row.id, data, self.vocab)
            self._log(session, "update", row.id, changes)
            _keep_text(session, row.id)
            return row.version

    def delete(self, engagement_id: str) -> None:
        """Delete softly: the record stays as a tombstone so exports carry the deletion."""
        with Session(self._engine) as session, session.begin():
            row = self._load(session, engagement_id)
            row.deleted_at = row.updated_at = _now()
            row.version += 1
            row.contacts = []  # personal data goes at once
            row.strand_links = []  # only live engagements are listed by strand
            _index_text(session, row.id, None, self.vocab)  # nor found by text
            self._log(session, "delete", row.id, {})
            _keep_text(session, row.id)

    def add_people(self, engagement_id: str, count: int = 1) -> int:
        """Add to the people-engaged tally (stall mode); returns the new total."""
        with Session(self._engine) as session, session.begin():
            row = self._load(session, engagement_id)
            row.people_engaged = max(0, row.people_engaged + count)
            row.version += 1
            row.updated_at = _now()
            self._log(session, "tally", row.id, {"people_engaged": [None, row.people_engaged]})
            _keep_text(session, row.id)
            return row.people_engaged

    def record_leaflets(self, engagement_id: str, topic_id: str, lang: str, copies: int) -> int:
        """Count leaflets handed out (or printed) at an engagement; returns the new count."""
        return self.record_leaflet_print(engagement_id, [(topic_id, lang)], copies)[0]

    def record_leaflet_print(
        self, engagement_id: str, items: Sequence[tuple[str, str]], copies: int
    ) -> list[int]:
        """Count ``copies`` of a leaflet holding each (topic, language) in ``items``, as one
        edit of the engagement; returns the new counts in the same order."""
        if copies <= 0:
            raise EngagementError(_("Copies must be at least 1."))
        with Session(self._engine) as session, session.begin():
            row = self._load(session, engagement_id)
            counts: list[int] = []
            changes: dict[str, list[object]] = {}
            for topic_id, lang in items:
                line = next(
                    (x for x in row.leaflets if (x.topic_id, x.lang) == (topic_id, lang)), None
                )
                if line is None:
                    line = LeafletCount(topic_id=topic_id, lang=lang, count=0)
                    row.leaflets.append(line)
                before = line.count
                line.count += copies
                counts.append(line.count)
                changes[f"{topic_id}/{lang}"] = [before or None, line.count]
            row.version += 1
            row.updated_at = _now()
            self._log(session, "leaflets", row.id, changes)
            _keep_text(session, row.id)
            return counts

    def set_follow_up_done(
        self, engagement_id: str, follow_up_id: str, done_on: dt.date | None
    ) -> None:
        with Session(self._engine) as session, session.begin():
            row = self._load(session, engagement_id)
            item = next((f for f in row.follow_ups if f.id == follow_up_id), None)
            if item is None:
                raise EngagementError(_("That follow-up no longer exists."))
            item.done_on = done_on
            row.version += 1
            row.updated_at = _now()
            self._log(
                session,
                "update",
                row.id,
                {f"follow_up/{follow_up_id}/done_on": [None, str(done_on)]},
            )
            _keep_text(session, row.id)

    def purge_expired_contacts(self, today: dt.date | None = None) -> int:
        """Remove contact details past their retention date; each purge is in the history."""
        today = today or dt.date.today()
        with Session(self._engine) as session, session.begin():
            expired = session.scalars(
                select(PublicContact).where(PublicContact.retain_until < today)
            ).all()
            for contact in expired:
                self._log(
                    session,
                    "purge",
                    contact.engagement_id,
                    {
                        "contact": [contact.id, None],
                        "retain_until": [contact.retain_until.isoformat(), None],
                    },
                    entity="contact",
                )
                session.delete(contact)
            if expired:
                # Purges are security-relevant: the audit trail names how many, not whom.
                session.add(
                    AuditEvent(
                        at=dt.datetime.now(dt.UTC),
                        actor=self.actor,
                        action="purge",
                        detail=f"{len(expired)} contact(s) past their retention date",
                    )
                )
                _keep_text(session, *{contact.engagement_id for contact in expired})
            return len(expired)

    # -- reading -----------------------------------------------------------------------
    def get(self, engagement_id: str) -> EngagementRecord:
        with Session(self._engine) as session:
            return _record_of(self._load(session, engagement_id, include_deleted=True))

    def _where(self, flt: EngagementFilter, strand_joined: bool = False):
        clauses = []
        if not flt.include_deleted:
            clauses.append(Engagement.deleted_at.is_(None))
        if flt.kind:
            clauses.append(Engagement.kind == flt.kind)
        if flt.district:
            clauses.append(Engagement.district == flt.district)
        if flt.strand and not strand_joined:
            clauses.append(
                Engagement.id.in_(
                    select(EngagementStrand.engagement_id).where(
                        EngagementStrand.strand_id == flt.strand
                    )
                )
            )
        if flt.date_from:
            clauses.append(Engagement.starts_at >= dt.datetime.combine(flt.date_from, dt.time()))
        if flt.date_to:
            end = dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time())
            clauses.append(Engagement.starts_at < end)
        return and_(*clauses) if clauses else None

    @staticmethod
    def _strand_only(flt: EngagementFilter) -> bool:
        """A strand, perhaps dates, nothing else: answered from the link table alone."""
        return bool(flt.strand) and not (
            flt.text or flt.kind or flt.district or flt.include_deleted
        )

    @staticmethod
    def _fts_where(flt: EngagementFilter) -> tuple[str, dict[str, object]] | None:
        """The word-index query for a filter with text (None when there is no text).

        Every other filter is answered from the columns copied into the index, so a text
        filter never reads the wide engagement rows; only live engagements are indexed.
        """
        terms = query_terms(flt.text)
        if not terms:
            return None
        sql = "engagement_fts MATCH :match"
        params: dict[str, object] = {
            "match": " AND ".join('"' + t.replace('"', '""') + '"*' for t in terms)
        }
        if flt.kind:
            sql += " AND kind = :kind"
            params["kind"] = flt.kind
        if flt.district:
            sql += " AND district = :district"
            params["district"] = flt.district
        if flt.strand:
            sql += " AND strands LIKE :strand"
            params["strand"] = f"% {flt.strand} %"
        if flt.date_from:
            sql += " AND starts_at >= :start"
            params["start"] = dt.datetime.combine(flt.date_from, dt.time()).isoformat(sep=" ")
        if flt.date_to:
            sql += " AND starts_at < :end"
            end = dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time())
            params["end"] = end.isoformat(sep=" ")
        return sql, params

    def count(self, flt: EngagementFilter | None = None) -> int:
        flt = flt or EngagementFilter()
        words = self._fts_where(flt)
        if words is not None:
            query = text(f"SELECT count(*) FROM engagement_fts WHERE {words[0]}").bindparams(
                **words[1]
            )
        elif self._strand_only(flt):
            query = (
                select(func.count()).select_from(EngagementStrand).where(*self._link_clauses(flt))
            )
        elif not (flt.text or flt.kind or flt.district or flt.strand or flt.include_deleted):
            # Count the small live-rows index, not the wide table (SQLite would scan it).
            sql = "SELECT count(*) FROM engagement INDEXED BY ix_engagement_live_starts_at"
            sql += " WHERE deleted_at IS NULL"
            params: dict[str, object] = {}
            if flt.date_from:
                sql += " AND starts_at >= :start"
                params["start"] = dt.datetime.combine(flt.date_from, dt.time())
            if flt.date_to:
                sql += " AND starts_at < :end"
                params["end"] = dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time())
            query = text(sql).bindparams(**params)
        else:
            query = select(func.count()).select_from(Engagement)
            where = self._where(flt)
            if where is not None:
                query = query.where(where)
        with self._engine.connect() as connection:
            return connection.execute(query).scalar_one()

    @staticmethod
    def _link_clauses(flt: EngagementFilter) -> list:
        clauses = [EngagementStrand.strand_id == flt.strand]
        if flt.date_from:
            clauses.append(
                EngagementStrand.starts_at >= dt.datetime.combine(flt.date_from, dt.time())
            )
        if flt.date_to:
            end = dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time())
            clauses.append(EngagementStrand.starts_at < end)
        return clauses

    def rows(
        self, flt: EngagementFilter | None = None, offset: int = 0, limit: int = 200
    ) -> list[EngagementRow]:
        """One page of the list, newest first."""
        flt = flt or EngagementFilter()
        columns = (
            Engagement.id,
            Engagement.starts_at,
            Engagement.kind,
            Engagement.venue,
            Engagement.district,
            Engagement.team,
            Engagement.people_engaged,
            Engagement.strands,
            Engagement.is_demo,
        )
        words = self._fts_where(flt)
        if words is not None:
            # Walk the live rows newest first and keep those in the word index's answer:
            # a page needs only a few hundred row reads, however many words match.
            sql = (
                "SELECT id, starts_at, kind, venue, district, team, people_engaged, strands, is_demo"
                " FROM engagement INDEXED BY ix_engagement_live_starts_at"
                " WHERE deleted_at IS NULL"
                f" AND rowid IN (SELECT rowid FROM engagement_fts WHERE {words[0]})"
                " ORDER BY starts_at DESC, id LIMIT :limit OFFSET :offset"
            )
            query = text(sql).bindparams(**words[1], limit=limit, offset=offset).columns(*columns)
        elif self._strand_only(flt):
            query = (
                select(*columns)
                .select_from(EngagementStrand)
                .join(Engagement, Engagement.id == EngagementStrand.engagement_id)
                .where(*self._link_clauses(flt))
                .order_by(EngagementStrand.starts_at.desc(), EngagementStrand.engagement_id)
            )
        else:
            query = select(*columns).order_by(Engagement.starts_at.desc(), Engagement.id)
            where = self._where(flt)
            if where is not None:
                query = query.where(where)
        if words is None:
            query = query.offset(offset).limit(limit)
        with self._engine.connect() as connection:
            return [
                EngagementRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(r[7].split()), r[8])
                for r in connection.execute(query)
            ]

    def _open_follow_ups_query(self):
        return (
            select(FollowUp, Engagement.venue, Engagement.district)
            .join(Engagement, FollowUp.engagement_id == Engagement.id)
            .where(FollowUp.done_on.is_(None), Engagement.deleted_at.is_(None))
        )

    def open_follow_ups(self, offset: int = 0, limit: int | None = None) -> list[OpenFollowUp]:
        """Follow-ups not yet done, soonest first (a page of them with ``limit``)."""
        query = self._open_follow_ups_query().order_by(FollowUp.due, FollowUp.id)
        query = query.offset(offset).limit(limit)
        with Session(self._engine) as session:
            return [
                OpenFollowUp(f.engagement_id, f.id, f.description, f.due, venue, district)
                for f, venue, district in session.execute(query)
            ]

    def count_open_follow_ups(self) -> int:
        query = select(func.count()).select_from(self._open_follow_ups_query().subquery())
        with Session(self._engine) as session:
            return session.scalar(query) or 0

    def _unanswered_query(self):
        return (
            select(Concern, Engagement.starts_at, Engagement.district)
            .join(Engagement, Concern.engagement_id == Engagement.id)
            .where(Concern.status != ConcernStatus.DONE, Engagement.deleted_at.is_(None))
        )

    def unanswered_concerns(
        self, offset: int = 0, limit: int | None = None
    ) -> list[UnansweredConcern]:
        """ "You said" items without a "we did", oldest first (a page with ``limit``)."""
        query = self._unanswered_query().order_by(
            Engagement.starts_at, Concern.position, Concern.id
        )
        query = query.offset(offset).limit(limit)
        with Session(self._engine) as session:
            return [
                UnansweredConcern(c.engagement_id, c.id, c.raised, c.action, c.status, at, district)
                for c, at, district in session.execute(query)
            ]

    def count_unanswered_concerns(self) -> int:
        query = select(func.count()).select_from(self._unanswered_query().subquery())
        with Session(self._engine) as session:
            return session.scalar(query) or 0

    def history(self, engagement_id: str | None = None) -> list[HistoryEntry]:
        query = select(EditEvent).order_by(EditEvent.id)
        if engagement_id:
            query = query.where(EditEvent.entity_id == engagement_id)
        with Session(self._engine) as session:
            return [
                HistoryEntry(
                    e.at, e.actor, e.action, e.entity, e.entity_id, json.loads(e.changes or "{}")
                )
                for e in session.scalars(query)
            ]

    # -- helpers -----------------------------------------------------------------------
    def _load(
        self, session: Session, engagement_id: str, include_deleted: bool = False
    ) -> Engagement:
        row = session.get(
            Engagement,
            engagement_id,
            options=[
                selectinload(Engagement.leaflets),
                selectinload(Engagement.concerns),
                selectinload(Engagement.follow_ups),
                selectinload(Engagement.contacts),
            ],
        )
        if row is None or (row.deleted_at is not None and not include_deleted):
            raise EngagementError(_("No engagement {id} on this laptop.").format(id=engagement_id))
        return row

    def _log(
        self,
        session: Session,
        action: str,
        entity_id: str,
        changes: dict,
        entity: str = "engagement",
    ) -> None:
        session.add(
            EditEvent(
                at=_now(),
                actor=self.actor,
                entity=entity,
                entity_id=entity_id,
                action=action,
                changes=json.dumps(changes, ensure_ascii=False, default=str),
            )
        )


def _json_of(data: EngagementData) -> dict:
    return data.to_json()


class DraftStore:
    """Unsaved work, written as the officer types (one row per open editor)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save(self, key: str, payload: dict) -> None:
        text = json.dumps(payload, ensure_ascii=False)
        with Session(self._engine) as session, session.begin():
            draft = session.get(Draft, key)
            if draft is None:
                session.add(Draft(key=key, payload=text, updated_at=_now()))
            else:
                draft.payload, draft.updated_at = text, _now()

    def load(self, key: str) -> dict | None:
        with Session(self._engine) as session:
            draft = session.get(Draft, key)
            return json.loads(draft.payload) if draft else None

    def keys(self) -> list[str]:
        with Session(self._engine) as session:
            return list(session.scalars(select(Draft.key).order_by(Draft.updated_at)))

    def discard(self, key: str) -> None:
        with Session(self._engine) as session, session.begin():
            draft = session.get(Draft, key)
            if draft is not None:
                session.delete(draft)
