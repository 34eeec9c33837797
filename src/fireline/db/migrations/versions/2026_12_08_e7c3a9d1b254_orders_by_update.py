"""quarantine orders: an index on updated_at, for the orders decided since a sweep

A running worker's evidence step re-checks only the cases whose contacts, orders,
samples or tasks changed since its last check (response/evidence_watch.py); an order
confirmed or cancelled shows only in its updated_at, which without an index is a scan
of every order (7.3 M at a 600,000-case wave) each minute.

Revision ID: e7c3a9d1b254
Revises: d5a8e2f4c613
Create Date: 2026-12-08 01:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'e7c3a9d1b254'
down_revision: str | None = 'd5a8e2f4c613'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('quarantine_orders', schema=None) as batch_op:
        batch_op.create_index('ix_quarantine_orders_updated_at', ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quarantine_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_quarantine_orders_updated_at')
