"""response tasks: the open tasks of an owner by yellow_at

Yellow is ``yellow_at <= now < due_at``. Read in due order, a board with no yellow task
passed every green one to count none: all 1.14 M of a wave county's open tasks, twice
per board. By ``yellow_at`` the same count reads only the tasks already past yellow;
the planner takes whichever range is narrower.

Revision ID: d3f7b9e2a541
Revises: c9e4a6b1d730
Create Date: 2026-12-08 03:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd3f7b9e2a541'
down_revision: str | None = 'c9e4a6b1d730'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status = 'open'"


def upgrade() -> None:
    op.create_index(
        'ix_response_tasks_open_owner_yellow',
        'response_tasks',
        ['owner_id', 'yellow_at'],
        unique=False,
        postgresql_include=['due_at', 'jurisdiction_id'],
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index('ix_response_tasks_open_owner_yellow', table_name='response_tasks')
