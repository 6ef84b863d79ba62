"""Intake: submissions received by the service, its API keys, and chat conversations.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Apply this change."""
    op.create_table(
        "submissions",
        sa.Column("seq", SERIAL, autoincrement=True, nullable=False),
        sa.Column("programme", sa.String(length=512), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("submission", sa.String(length=512), nullable=False),
        sa.Column("record", sa.String(length=512), nullable=False),
        sa.Column("form", sa.String(length=512), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=512), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("programme", "kind", "submission", name="submissions_once"),
    )
    op.create_index(
        "submissions_by_form", "submissions", ["programme", "kind", "form", "seq"], unique=False
    )
    op.create_table(
        "api_keys",
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=512), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
        sa.UniqueConstraint("digest"),
    )
    op.create_table(
        "conversations",
        sa.Column("sender", sa.String(length=512), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender"),
    )


def downgrade() -> None:
    """Undo this change."""
    op.drop_table("conversations")
    op.drop_table("api_keys")
    op.drop_index("submissions_by_form", table_name="submissions")
    op.drop_table("submissions")
