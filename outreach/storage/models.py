"""SQLAlchemy models of the laptop database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Meta(Base):
    """Key/value facts about this installation (e.g. the laptop id)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """One entry of the audit trail: who did what, and when."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class Engagement(Base):
    """One engagement: a stall, talk, briefing, premises visit or cocooning visit.

    Each record has a UUID made on this laptop, a version raised on every edit, and is
    deleted softly (``deleted_at``) so an export can carry the deletion to HQ.
    """

    __tablename__ = "engagement"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    laptop_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    venue: Mapped[str] = mapped_column(String(200), default="")
    district: Mapped[str] = mapped_column(String(64))
    officer: Mapped[str] = mapped_column(String(120), default="")
    team: Mapped[str] = mapped_column(String(64), default="")
    people_engaged: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    burglary_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    doors_knocked: Mapped[int | None] = mapped_column(Integer, nullable=True)
    doors_answered: Mapped[int | None] = mapped_column(Integer, nullable=True)
    doors_leafleted: Mapped[int | None] = mapped_column(Integer, nullable=True)
    strands: Mapped[str] = mapped_column(Text, default="")  # space-separated strand ids
    audiences: Mapped[str] = mapped_column(Text, default="")  # space-separated audience ids
    partners: Mapped[str] = mapped_column(Text, default="")  # space-separated partner ids
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Indexes (partial, over live rows) are made by migration 0002.

    leaflets: Mapped[list[LeafletCount]] = relationship(
        cascade="all, delete-orphan", order_by="LeafletCount.topic_id"
    )
    concerns: Mapped[list[Concern]] = relationship(
        cascade="all, delete-orphan", order_by="Concern.position"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        cascade="all, delete-orphan", order_by="FollowUp.position"
    )
    contacts: Mapped[list[PublicContact]] = relationship(cascade="all, delete-orphan")
    strand_links: Mapped[list[EngagementStrand]] = relationship(cascade="all, delete-orphan")


class EngagementStrand(Base):
    """Which strands an engagement covered (indexed, for the list's strand filter)."""

    __tablename__ = "engagement_strand"

    engagement_id: Mapped[str] = mapped_column(
        ForeignKey("engagement.id", ondelete="CASCADE"), primary_key=True
    )
    strand_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LeafletCount(Base):
    """Leaflets handed out at an engagement: topic × language × count."""

    __tablename__ = "leaflet_count"

    engagement_id: Mapped[str] = mapped_column(
        ForeignKey("engagement.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    lang: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Concern(Base):
    """A concern raised by the public ("you said") and the action taken ("we did")."""

    __tablename__ = "concern"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    engagement_id: Mapped[str] = mapped_column(
        ForeignKey("engagement.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    raised: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, promised, done


class FollowUp(Base):
    """Something promised, with a due date."""

    __tablename__ = "follow_up"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    engagement_id: Mapped[str] = mapped_column(
        ForeignKey("engagement.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    due: Mapped[dt.date] = mapped_column(Date, index=True)
    done_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class PublicContact(Base):
    """A member of the public's contact details, kept only with recorded consent."""

    __tablename__ = "public_contact"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    engagement_id: Mapped[str] = mapped_column(
        ForeignKey("engagement.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text)
    consent_version: Mapped[str] = mapped_column(String(32))
    consent_taken_by: Mapped[str] = mapped_column(String(120))
    consent_at: Mapped[dt.datetime] = mapped_column(DateTime)
    retain_until: Mapped[dt.date] = mapped_column(Date, index=True)


class EditEvent(Base):
    """Edit history: who created, changed, deleted or purged what, and when."""

    __tablename__ = "edit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(16))
    changes: Mapped[str] = mapped_column(Text, default="")  # JSON {field: [old, new]}


class Draft(Base):
    """Work in progress saved as the officer types, so a crash loses nothing."""

    __tablename__ = "draft"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Survey(Base):
    """A business premises security survey, belonging to a premises visit."""

    __tablename__ = "survey"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    engagement_id: Mapped[str] = mapped_column(
        ForeignKey("engagement.id", ondelete="CASCADE"), unique=True
    )
    sector: Mapped[str] = mapped_column(String(40))
    business_name: Mapped[str] = mapped_column(String(200), default="")
    answers: Mapped[str] = mapped_column(Text, default="{}")  # JSON {question id: answer}
    status: Mapped[str] = mapped_column(String(16), default="in-progress")
    follow_up_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
