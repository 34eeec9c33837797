"""outlook days: the daily run's nowcast and forecast per jurisdiction and disease

Revision ID: 5d2e8a7c4b19
Revises: 8c41d5e0a2f7
Create Date: 2026-12-07 15:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5d2e8a7c4b19'
down_revision: str | None = '5d2e8b1f9c47'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outlook_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disease', sa.String(length=32), nullable=False),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reported', sa.Integer(), nullable=True),
    sa.Column('median', sa.Float(), nullable=True),
    sa.Column('lower', sa.Float(), nullable=True),
    sa.Column('upper', sa.Float(), nullable=True),
    sa.Column('lower50', sa.Float(), nullable=True),
    sa.Column('upper50', sa.Float(), nullable=True),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdictions.id'], name=op.f('fk_outlook_days_jurisdiction_id_jurisdictions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outlook_days')),
    sa.UniqueConstraint('jurisdiction_id', 'disease', 'run_date', 'day', name=op.f('uq_outlook_days_jurisdiction_id'))
    )
    with op.batch_alter_table('outlook_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outlook_days_jurisdiction_id'), ['jurisdiction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outlook_days_run_date'), ['run_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outlook_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outlook_days_run_date'))
        batch_op.drop_index(batch_op.f('ix_outlook_days_jurisdiction_id'))

    op.drop_table('outlook_days')
