"""conversion proposals: a positive lab result of a person under quarantine tells the
investigator and proposes converting the quarantine to isolation (confirmed by a person)

Revision ID: ff7cab969169
Revises: 8c41d5e0a2f7
Create Date: 2026-12-07 14:54:55.377649
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'ff7cab969169'
down_revision: str | None = '8c41d5e0a2f7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conversion_proposals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('result_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('disease', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('index_case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_conversion_proposals_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_conversion_proposals_decided_by_users')),
    sa.ForeignKeyConstraint(['index_case_id'], ['cases.id'], name=op.f('fk_conversion_proposals_index_case_id_cases')),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdictions.id'], name=op.f('fk_conversion_proposals_jurisdiction_id_jurisdictions')),
    sa.ForeignKeyConstraint(['order_id'], ['quarantine_orders.id'], name=op.f('fk_conversion_proposals_order_id_quarantine_orders')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_conversion_proposals_owner_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_conversion_proposals_person_id_persons')),
    sa.ForeignKeyConstraint(['result_id'], ['lab_results.id'], name=op.f('fk_conversion_proposals_result_id_lab_results')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversion_proposals')),
    sa.UniqueConstraint('order_id', 'result_id', name=op.f('uq_conversion_proposals_order_id'))
    )
    with op.batch_alter_table('conversion_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversion_proposals_jurisdiction_id'), ['jurisdiction_id'], unique=False)
        batch_op.create_index('ix_conversion_proposals_open', ['jurisdiction_id', 'owner_id'], unique=False, postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
        batch_op.create_index(batch_op.f('ix_conversion_proposals_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversion_proposals_owner_id'), ['owner_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('conversion_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversion_proposals_owner_id'))
        batch_op.drop_index(batch_op.f('ix_conversion_proposals_order_id'))
        batch_op.drop_index('ix_conversion_proposals_open', postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_conversion_proposals_jurisdiction_id'))

    op.drop_table('conversion_proposals')
