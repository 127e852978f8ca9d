"""Plain data for engagements, as the editor and the command line see them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from outreach.i18n import N_, _


class Kind(StrEnum):
    """What sort of engagement it was."""

    STALL = "stall"
    STREET_BRIEFING = "street-briefing"
    SCHOOL_TALK = "school-talk"
    FAITH_GROUP = "faith-group"
    RESIDENTS_MEETING = "residents-meeting"
    PREMISES_VISIT = "premises-visit"
    COCOONING = "cocooning"
    PARTNER_MEETING = "partner-meeting"
    ONLINE_SESSION = "online-session"

    @property
    def label(self) -> str:
        return _(KIND_LABELS[self])


KIND_LABELS = {
    Kind.STALL: N_("Community event or stall"),
    Kind.STREET_BRIEFING: N_("Street briefing"),
    Kind.SCHOOL_TALK: N_("School or youth talk"),
    Kind.FAITH_GROUP: N_("Faith or community group"),
    Kind.RESIDENTS_MEETING: N_("Residents' meeting"),
    Kind.PREMISES_VISIT: N_("Business premises visit"),
    Kind.COCOONING: N_("Burglary cocooning visit"),
    Kind.PARTNER_MEETING: N_("Partner meeting"),
    Kind.ONLINE_SESSION: N_("Online session"),
}


class ConcernStatus(StrEnum):
    OPEN = "open"  # "you said", nothing done yet
    PROMISED = "promised"  # an action is promised
    DONE = "done"  # "we did"


@dataclass
class LeafletLine:
    topic_id: str
    lang: str
    count: int


@dataclass
class ConcernLine:
    raised: str
    action: str = ""
    status: str = ConcernStatus.OPEN
    id: str = ""


@dataclass
class FollowUpLine:
    description: str
    due: dt.date
    done_on: dt.date | None = None
    id: str = ""


# A contact's details go to HQ only when the purpose they agreed to names HQ.
_HQ_WORDS = re.compile(r"\b(hq|headquarters|force[- ]wide)\b", re.IGNORECASE)


def consent_covers_hq(purpose: str) -> bool:
    """Whether a contact's recorded consent purpose names HQ (so the details may travel)."""
    return bool(_HQ_WORDS.search(purpose or ""))


@dataclass
class ContactLine:
    """A member of the public's details; only with consent, purpose and a retention date."""

    name: str
    purpose: str
    consent_version: str
    consent_taken_by: str
    retain_until: dt.date
    phone: str = ""
    email: str = ""
    consent_at: dt.datetime | None = None
    id: str = ""


@dataclass
class EngagementData:
    """Everything the officer records about one engagement."""

    kind: str
    starts_at: dt.datetime
    district: str
    ends_at: dt.datetime | None = None
    venue: str = ""
    officer: str = ""
    team: str = ""
    strands: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    people_engaged: int = 0
    leaflets: list[LeafletLine] = field(default_factory=list)
    concerns: list[ConcernLine] = field(default_factory=list)
    follow_ups: list[FollowUpLine] = field(default_factory=list)
    contacts: list[ContactLine] = field(default_factory=list)
    notes: str = ""
    burglary_date: dt.date | None = None
    doors_knocked: int | None = None
    doors_answered: int | None = None
    doors_leafleted: int | None = None

    def to_json(self) -> dict:
        """A JSON-ready dict (dates as ISO strings)."""
        return _jsonable(asdict(self))

    @classmethod
    def from_json(cls, data: dict) -> EngagementData:
        """The inverse of :meth:`to_json` (used for drafts)."""
        values = dict(data)
        for key in ("starts_at", "ends_at"):
            if values.get(key):
                values[key] = dt.datetime.fromisoformat(values[key])
        if values.get("burglary_date"):
            values["burglary_date"] = dt.date.fromisoformat(values["burglary_date"])
        values["leaflets"] = [LeafletLine(**x) for x in values.get("leaflets", [])]
        values["concerns"] = [ConcernLine(**x) for x in values.get("concerns", [])]
        values["follow_ups"] = [
            FollowUpLine(
                description=x["description"],
                due=dt.date.fromisoformat(x["due"]),
                done_on=dt.date.fromisoformat(x["done_on"]) if x.get("done_on") else None,
                id=x.get("id", ""),
            )
            for x in values.get("follow_ups", [])
        ]
        values["contacts"] = [
            ContactLine(
                **{
                    **x,
                    "retain_until": dt.date.fromisoformat(x["retain_until"]),
                    "consent_at": dt.datetime.fromisoformat(x["consent_at"])
                    if x.get("consent_at")
                    else None,
                }
            )
            for x in values.get("contacts", [])
        ]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class FieldError:
    """A problem with one field, shown next to it in the editor."""

    field: str
    message: str


@dataclass
class EngagementRecord:
    """A stored engagement: its data plus identity and bookkeeping."""

    id: str
    version: int
    laptop_id: str
    data: EngagementData
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None
    is_demo: bool = False

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "version": self.version,
            "laptop_id": self.laptop_id,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "deleted_at": self.deleted_at.isoformat() if self.deleted_at else None,
            "is_demo": self.is_demo,
            **self.data.to_json(),
        }


@dataclass(frozen=True)
class EngagementRow:
    """One line of the engagement list (just what the list shows)."""

    id: str
    starts_at: dt.datetime
    kind: str
    venue: str
    district: str
    team: str
    people_engaged: int
    strands: tuple[str, ...]
    is_demo: bool


@dataclass
class EngagementFilter:
    """What the engagement list shows; empty fields do not filter."""

    text: str = ""
    kind: str = ""
    strand: str = ""
    district: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    include_deleted: bool = False
