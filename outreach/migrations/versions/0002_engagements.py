"""Engagement log, edit history, drafts, consented contacts and premises surveys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "engagement",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("laptop_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("venue", sa.String(200), nullable=False, server_default=""),
        sa.Column("district", sa.String(64), nullable=False),
        sa.Column("officer", sa.String(120), nullable=False, server_default=""),
        sa.Column("team", sa.String(64), nullable=False, server_default=""),
        sa.Column("people_engaged", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.Column("burglary_date", sa.Date(), nullable=True),
        sa.Column("doors_knocked", sa.Integer(), nullable=True),
        sa.Column("doors_answered", sa.Integer(), nullable=True),
        sa.Column("doors_leafleted", sa.Integer(), nullable=True),
        sa.Column("strands", sa.Text(), nullable=False, server_default=""),
        sa.Column("audiences", sa.Text(), nullable=False, server_default=""),
        sa.Column("partners", sa.Text(), nullable=False, server_default=""),
        sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    )
    # The list shows live records newest first, whole or by kind or district. Partial
    # indexes over live rows let SQLite count and page without reading the table.
    for name, columns in (
        ("ix_engagement_live_starts_at", ["starts_at"]),
        ("ix_engagement_live_kind", ["kind", "starts_at"]),
        ("ix_engagement_live_district", ["district", "starts_at"]),
    ):
        op.create_index(name, "engagement", columns, sqlite_where=sa.text("deleted_at IS NULL"))
    op.create_index("ix_engagement_updated_at", "engagement", ["updated_at"])
    op.create_table(
        "engagement_strand",
        sa.Column(
            "engagement_id",
            sa.String(36),
            sa.ForeignKey("engagement.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("strand_id", sa.String(64), primary_key=True),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
    )
    # Strands of live engagements, with the start time copied so that a strand's list is
    # counted and paged from this narrow table alone; deleted engagements have no rows.
    op.create_index(
        "ix_engagement_strand_strand_starts", "engagement_strand", ["strand_id", "starts_at"]
    )
    # Word search over each live engagement's folded text, with the columns the list
    # filters on copied beside it, so a text filter never reads the wide engagement rows.
    # The service keeps it in step (rowid = the engagement's rowid).
    op.execute(
        "CREATE VIRTUAL TABLE engagement_fts USING fts5("
        "search_text, starts_at UNINDEXED, kind UNINDEXED, district UNINDEXED, strands UNINDEXED,"
        " prefix='2 3')"
    )
    op.create_table(
        "leaflet_count",
        sa.Column(
            "engagement_id",
            sa.String(36),
            sa.ForeignKey("engagement.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("topic_id", sa.String(80), primary_key=True),
        sa.Column("lang", sa.String(16), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "concern",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "engagement_id",
            sa.String(36),
            sa.ForeignKey("engagement.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("raised", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    )
    op.create_index("ix_concern_engagement_id", "concern", ["engagement_id"])
    op.create_table(
        "follow_up",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "engagement_id",
            sa.String(36),
            sa.ForeignKey("engagement.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
    )
    op.create_index("ix_follow_up_engagement_id", "follow_up", ["engagement_id"])
    op.create_index("ix_follow_up_due", "follow_up", ["due"])
    op.create_table(
        "public_contact",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "engagement_id",
            sa.String(36),
            sa.ForeignKey("engagement.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False, server_default=""),
        sa.Column("email", sa.String(200), nullable=False, server_default=""),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("consent_version", sa.String(32), nullable=False),
        sa.Column("consent_taken_by", sa.String(120), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
    )
    op.create_index("ix_public_contact_engagement_id", "public_contact", ["engagement_id"])
    op.create_index("ix_public_contact_retain_until", "public_contact", ["retain_until"])
    op.create_table(
        "edit_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_edit_event_at", "edit_event", ["at"])
    op.create_index("ix_edit_event_entity_id", "edit_event", ["entity_id"])
    op.create_table(
        "draft",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "survey",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "engagement_id",
            sa.String(36),
            sa.ForeignKey("engagement.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("sector", sa.String(40), nullable=False),
        sa.Column("business_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("answers", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("status", sa.String(16), nullable=False, server_default="in-progress"),
        sa.Column("follow_up_date", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS engagement_fts")
    for table in ("survey", "draft", "edit_event", "public_contact", "follow_up", "concern",
                  "leaflet_count", "engagement_strand", "engagement"):  # fmt: skip
        op.drop_table(table)
