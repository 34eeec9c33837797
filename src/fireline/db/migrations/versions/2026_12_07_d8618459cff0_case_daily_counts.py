"""case daily counts: the dashboards' aggregate, kept by triggers on cases (issue #17)

Revision ID: d8618459cff0
Revises: c5d2e8f1a734
Create Date: 2026-12-07 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fireline.surveillance.counts import triggers

revision: str = 'd8618459cff0'
down_revision: str | None = 'c5d2e8f1a734'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_daily_counts',
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('disease', sa.String(length=32), nullable=False),
    sa.Column('date_reporting', sa.Date(), nullable=False),
    sa.Column('day_onset', sa.Date(), nullable=False),
    sa.Column('onset_known', sa.Boolean(), nullable=False),
    sa.Column('classification', sa.String(length=16), nullable=False),
    sa.Column('imported', sa.Boolean(), nullable=False),
    sa.Column('case_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdictions.id'], name=op.f('fk_case_daily_counts_jurisdiction_id_jurisdictions')),
    sa.PrimaryKeyConstraint('jurisdiction_id', 'disease', 'date_reporting', 'day_onset', 'onset_known', 'classification', 'imported', name=op.f('pk_case_daily_counts'))
    )
    # The counts of the cases stored so far, then the triggers that keep them (the DDL
    # lives beside the table: counts/triggers.py; a later change drops and recreates).
    connection = op.get_bind()
    triggers.rebuild(connection)
    triggers.create(connection)


def downgrade() -> None:
    triggers.drop(op.get_bind())
    op.drop_table('case_daily_counts')
