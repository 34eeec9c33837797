"""sitrep archive: every version of the generated daily situation reports

Revision ID: 7b3f1e9a5c20
Revises: a3f1c9d27e54
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7b3f1e9a5c20'
down_revision: str | None = 'a3f1c9d27e54'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sitrep_archive',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_date', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdictions.id'], name=op.f('fk_sitrep_archive_jurisdiction_id_jurisdictions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sitrep_archive')),
    sa.UniqueConstraint('jurisdiction_id', 'report_date', 'language', 'format', 'version', name=op.f('uq_sitrep_archive_jurisdiction_id'))
    )
    with op.batch_alter_table('sitrep_archive', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sitrep_archive_jurisdiction_id'), ['jurisdiction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sitrep_archive_report_date'), ['report_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sitrep_archive', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sitrep_archive_report_date'))
        batch_op.drop_index(batch_op.f('ix_sitrep_archive_jurisdiction_id'))

    op.drop_table('sitrep_archive')
