"""The first schema: programme versions, lifecycle events, status changes, draws and their
files, visits, imported documents and their records.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this change."""
    op.create_table(
        "documents",
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_by", sa.String(length=512), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "draws",
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("waitlist", sa.JSON(), nullable=False),
        sa.Column("replacements", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=512), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=512), nullable=False),
        sa.Column("person", sa.String(length=512), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Date(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=512), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("events_by_person", ["person", "seq"], unique=False)

    op.create_table(
        "programme_versions",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("programme", sa.String(length=512), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=512), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_table(
        "status_changes",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("recommendation", sa.String(length=512), nullable=False),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("by", sa.String(length=512), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=512), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.create_index("status_by_recommendation", ["recommendation", "seq"], unique=False)

    op.create_table(
        "visits",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("shopper", sa.String(length=512), nullable=False),
        sa.Column("centre", sa.String(length=512), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=512), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index("visits_by_centre", ["centre", "day"], unique=False)
        batch_op.create_index("visits_by_shopper", ["shopper", "day"], unique=False)

    op.create_table(
        "draw_files",
        sa.Column("draw", sa.String(length=512), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["draw"], ["draws.name"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("draw", "name"),
    )
    op.create_table(
        "records",
        sa.Column("document", sa.String(length=512), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document"], ["documents.name"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document", "position"),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index("records_by_key", ["kind", "key"], unique=False)


def downgrade() -> None:
    """Undo this change."""
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("records_by_key")

    op.drop_table("records")
    op.drop_table("draw_files")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("visits_by_shopper")
        batch_op.drop_index("visits_by_centre")

    op.drop_table("visits")
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.drop_index("status_by_recommendation")

    op.drop_table("status_changes")
    op.drop_table("programme_versions")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("events_by_person")

    op.drop_table("events")
    op.drop_table("draws")
    op.drop_table("documents")
