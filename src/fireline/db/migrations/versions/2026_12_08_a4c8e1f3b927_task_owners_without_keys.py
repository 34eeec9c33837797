"""response tasks: no foreign keys on the owner, parent and grandparent

A task's ``owner_id``, ``parent_id`` and ``grandparent_id`` are read from the
jurisdiction tree in the statement that writes the task; jurisdictions are never
deleted. PostgreSQL checks every key of every inserted row with a lookup of its own:
on a bulk day (100,000 imported cases, 800,000 tasks) the three checks were a quarter
of each task INSERT. The task's ``jurisdiction_id`` (its scope) keeps its key.

Revision ID: a4c8e1f3b927
Revises: f2b6d4e8a913
Create Date: 2026-12-08 03:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'a4c8e1f3b927'
down_revision: str | None = 'f2b6d4e8a913'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ('owner_id', 'parent_id', 'grandparent_id')


def upgrade() -> None:
    with op.batch_alter_table('response_tasks', schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.drop_constraint(
                f'fk_response_tasks_{column}_jurisdictions', type_='foreignkey'
            )


def downgrade() -> None:
    with op.batch_alter_table('response_tasks', schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.create_foreign_key(
                f'fk_response_tasks_{column}_jurisdictions', 'jurisdictions', [column], ['id']
            )
