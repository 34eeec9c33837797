"""alert thresholds: none where no count bound exists, and why (threshold_note)

EARS C3 stored a threshold of 0 where the two days before already carried C3 past
its level (every count signals): 105 of the demo's 193 alerts read "0.00". The
threshold becomes nullable and ``threshold_note`` says why one is missing. A stored
0 cannot be told apart from a real bound after the fact (the cases may have changed
since), so existing zeros become "not-recorded"; the next signal run over those
days recomputes open alerts.

Revision ID: 7b3e9c2d1a64
Revises: 5d2e8a7c4b19
Create Date: 2026-12-07 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7b3e9c2d1a64'
down_revision: str | None = '5d2e8a7c4b19'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('threshold_note', sa.String(length=16), nullable=True))
        batch_op.alter_column('threshold', existing_type=sa.Float(), nullable=True)
    op.execute(
        "UPDATE alerts SET threshold = NULL, threshold_note = 'not-recorded' WHERE threshold = 0"
    )


def downgrade() -> None:
    # The old schema has no "no threshold": a missing bound goes back to 0.
    op.execute("UPDATE alerts SET threshold = 0 WHERE threshold IS NULL")
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.alter_column('threshold', existing_type=sa.Float(), nullable=False)
        batch_op.drop_column('threshold_note')
