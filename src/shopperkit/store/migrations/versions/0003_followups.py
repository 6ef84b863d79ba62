"""Follow-ups: the verdicts of recommendations' repeat visits, with their evidence.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Apply this change."""
    op.create_table(
        "followup_verdicts",
        sa.Column("seq", SERIAL, autoincrement=True, nullable=False),
        sa.Column("recommendation", sa.String(length=512), nullable=False),
        sa.Column("verdict", sa.String(length=64), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=512), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index(
        "followups_by_recommendation",
        "followup_verdicts",
        ["recommendation", "seq"],
        unique=False,
    )


def downgrade() -> None:
    """Undo this change."""
    op.drop_index("followups_by_recommendation", table_name="followup_verdicts")
    op.drop_table("followup_verdicts")
