"""quarantine proposal queue: a partial index over the proposed orders

The queue lists and counts the orders tracing proposed (status ``proposed``) per
jurisdiction subtree; they are few among all orders, so a partial index keeps both
reads off the whole table.

Revision ID: 5b7e2c9d41a3
Revises: 1537538e8700
Create Date: 2026-11-28 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5b7e2c9d41a3'
down_revision: str | None = '1537538e8700'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = "status = 'proposed'"


def upgrade() -> None:
    with op.batch_alter_table('quarantine_orders', schema=None) as batch_op:
        batch_op.create_index('ix_quarantine_orders_proposed', ['jurisdiction_id', 'created_at'], unique=False, postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))


def downgrade() -> None:
    with op.batch_alter_table('quarantine_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_quarantine_orders_proposed', postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))
