"""Each engagement's bundle text, kept when it is saved so that an export only reads it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# A change to any of these rows makes the engagement's kept text out of date.
CHILDREN = ("leaflet_count", "concern", "follow_up", "public_contact", "survey")


def upgrade() -> None:
    op.create_table(
        "export_text",
        # The engagement's rowid: an export reads the two tables side by side, in rowid
        # order. The id is checked too, so text never counts for another engagement.
        sa.Column("engagement_rowid", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("engagement_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),  # the engagement's, when written
        sa.Column("format", sa.Integer(), nullable=False),  # rendered.TEXT_VERSION
        sa.Column("tombstone", sa.Boolean(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),  # engagements.jsonl, no line end
        sa.Column("row", sa.Text(), nullable=False),  # engagements.csv, no line end
        sa.Column("leaflets", sa.Integer(), nullable=False),  # lines in "leaflets"
        sa.Column("concerns", sa.Integer(), nullable=False),
        sa.Column("follow_ups", sa.Integer(), nullable=False),
    )
    # Whatever writes the rows (the app, a repair by hand, a later migration), kept text
    # never outlives the data it was written from.
    for event in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER export_text_engagement_{event} AFTER {event.upper()} ON engagement"
            " BEGIN DELETE FROM export_text WHERE engagement_rowid = OLD.rowid; END"
        )
    forget = (
        "DELETE FROM export_text WHERE engagement_rowid ="
        " (SELECT rowid FROM engagement WHERE id = {row}.engagement_id);"
    )
    for table in CHILDREN:
        for event, rows in (("insert", ("NEW",)), ("update", ("OLD", "NEW")),
                            ("delete", ("OLD",))):  # fmt: skip
            body = " ".join(forget.format(row=row) for row in rows)
            op.execute(
                f"CREATE TRIGGER export_text_{table}_{event} AFTER {event.upper()} ON {table}"
                f" BEGIN {body} END"
            )


def downgrade() -> None:
    for table in ("engagement", *CHILDREN):
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS export_text_{table}_{event}")
    op.drop_table("export_text")
