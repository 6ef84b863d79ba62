"""Follow-up scheduling: each verdict keeps the follow-up it judged, its finders and the last
day of the scores it saw; each visit, the recommendation whose follow-up it serves. Every new
column is null in the rows kept before.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this change."""
    with op.batch_alter_table("followup_verdicts") as table:
        table.add_column(sa.Column("item", sa.Text(), nullable=True))
        table.add_column(sa.Column("finders", sa.Text(), nullable=True))
        table.add_column(sa.Column("until", sa.Date(), nullable=True))
    with op.batch_alter_table("visits") as table:
        table.add_column(sa.Column("followup", sa.String(length=512), nullable=True))
    op.create_index("visits_by_followup", "visits", ["followup", "day"], unique=False)


def downgrade() -> None:
    """Undo this change."""
    op.drop_index("visits_by_followup", table_name="visits")
    with op.batch_alter_table("visits") as table:
        table.drop_column("followup")
    with op.batch_alter_table("followup_verdicts") as table:
        table.drop_column("until")
        table.drop_column("finders")
        table.drop_column("item")
