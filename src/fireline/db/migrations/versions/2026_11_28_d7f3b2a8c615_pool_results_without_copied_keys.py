"""pool results: no foreign keys on the campaign and jurisdiction copied from the pool

``pool_results.campaign_id`` and ``jurisdiction_id`` are copies of the pool's own
columns, which the pool's foreign keys guard; PostgreSQL checks every key of every
inserted row with a locking lookup, and these two redundant checks took half the time
of storing a screening day's results. The foreign key to the pool stays.

Revision ID: d7f3b2a8c615
Revises: c4e1a7d2b9f0
Create Date: 2026-11-28 16:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'd7f3b2a8c615'
down_revision: str | None = 'c4e1a7d2b9f0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pool_results', schema=None) as batch_op:
        batch_op.drop_constraint('fk_pool_results_campaign_id_screening_campaigns', type_='foreignkey')
        batch_op.drop_constraint('fk_pool_results_jurisdiction_id_jurisdictions', type_='foreignkey')


def downgrade() -> None:
    with op.batch_alter_table('pool_results', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_pool_results_jurisdiction_id_jurisdictions', 'jurisdictions', ['jurisdiction_id'], ['id'])
        batch_op.create_foreign_key('fk_pool_results_campaign_id_screening_campaigns', 'screening_campaigns', ['campaign_id'], ['id'])
