"""response tasks: the board's indexes carry yellow_at and jurisdiction_id

A board counts its tasks by light and lists each light in due order. With only
(status, owner, due_at) in the index, every one of a county's 250,000 open tasks was
read from the table to check its scope (jurisdiction_id) and light (yellow_at): 1.0-1.6 s
per count at a 600,000-case wave. With both included, PostgreSQL counts from the index.
SQLite has no INCLUDE: its indexes stay as they were.

Revision ID: f2b6d4e8a913
Revises: e7c3a9d1b254
Create Date: 2026-12-08 01:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'f2b6d4e8a913'
down_revision: str | None = 'e7c3a9d1b254'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTS = ('owner_id', 'parent_id', 'grandparent_id')
BOARD_COLUMNS = ['yellow_at', 'jurisdiction_id']


def _rebuild(include: list[str] | None) -> None:
    for column in PARTS:
        name = f"ix_response_tasks_open_{column.removesuffix('_id')}"
        op.drop_index(name, table_name='response_tasks')
        op.create_index(
            name,
            'response_tasks',
            ['status', column, 'due_at'],
            unique=False,
            postgresql_include=include or [],
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _rebuild(BOARD_COLUMNS)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _rebuild(None)
