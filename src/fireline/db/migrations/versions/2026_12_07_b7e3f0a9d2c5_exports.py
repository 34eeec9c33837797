"""exports: named pseudonym keys, FHIR Bulk Data export jobs and their NDJSON files

Revision ID: b7e3f0a9d2c5
Revises: 7b3e9c2d1a64
Create Date: 2026-12-07 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'b7e3f0a9d2c5'
down_revision: str | None = '7b3e9c2d1a64'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('export_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('secret', sa.LargeBinary(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_export_keys_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_keys')),
    sa.UniqueConstraint('name', name=op.f('uq_export_keys_name'))
    )
    op.create_table('bulk_exports',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('types', sa.JSON(), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('request_url', sa.String(length=2000), nullable=False),
    sa.Column('transaction_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('progress', sa.String(length=100), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdictions.id'], name=op.f('fk_bulk_exports_jurisdiction_id_jurisdictions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bulk_exports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_exports'))
    )
    with op.batch_alter_table('bulk_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_exports_jurisdiction_id'), ['jurisdiction_id'], unique=False)
    op.create_table('bulk_export_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('export_id', sa.String(length=32), nullable=False),
    sa.Column('resource_type', sa.String(length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['export_id'], ['bulk_exports.id'], name=op.f('fk_bulk_export_files_export_id_bulk_exports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_export_files'))
    )
    with op.batch_alter_table('bulk_export_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_export_files_export_id'), ['export_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bulk_export_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_export_files_export_id'))
    op.drop_table('bulk_export_files')
    with op.batch_alter_table('bulk_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_exports_jurisdiction_id'))
    op.drop_table('bulk_exports')
    op.drop_table('export_keys')
