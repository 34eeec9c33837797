"""response tasks: the board's indexes end with the id, the board's own order

A board lists each light by (due_at, id). Tasks opened together share one due_at (a bulk
day's 100,000 cases, the wave's counties), so with (status, part, due_at) alone
PostgreSQL chose to read and sort a county's whole board for its first 40 tasks
(a parallel sequential scan of 1.45 M rows, 0.4 s per column). With the id the index
gives the order itself.

Revision ID: c9e4a6b1d730
Revises: b7d2f5a9c318
Create Date: 2026-12-08 03:05:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'c9e4a6b1d730'
down_revision: str | None = 'b7d2f5a9c318'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTS = ('owner_id', 'parent_id', 'grandparent_id')
BOARD_COLUMNS = ['yellow_at', 'jurisdiction_id']


def _rebuild(order: list[str]) -> None:
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for column in PARTS:
        name = f"ix_response_tasks_open_{column.removesuffix('_id')}"
        op.drop_index(name, table_name='response_tasks')
        op.create_index(
            name,
            'response_tasks',
            ['status', column, *order],
            unique=False,
            postgresql_include=BOARD_COLUMNS if postgresql else [],
        )


def upgrade() -> None:
    _rebuild(['due_at', 'id'])


def downgrade() -> None:
    _rebuild(['due_at'])
