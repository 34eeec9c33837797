"""response tasks: the escalation step reached, kept on the task

Finding new escalations anti-joined every open task against every notification;
with the step on the task (and a partial index per step over the tasks that may
still escalate to that board) the sweep's steady state reads only those. Existing tasks take the
highest step their notifications record. A covering partial index over the open
tasks lets the lights of all of them be counted from the index alone.

Revision ID: c4e1a7d2b9f0
Revises: 5b7e2c9d41a3
Create Date: 2026-11-28 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c4e1a7d2b9f0'
down_revision: str | None = '5b7e2c9d41a3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARENT = "status = 'open' AND escalated < 1 AND parent_id IS NOT NULL"
GRANDPARENT = "status = 'open' AND escalated < 2 AND grandparent_id IS NOT NULL"
OPEN = "status = 'open'"


def upgrade() -> None:
    with op.batch_alter_table('response_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalated', sa.SmallInteger(), server_default=sa.text('0'), nullable=False))
    op.execute(
        "UPDATE response_tasks SET escalated = (SELECT max(n.step) FROM response_notifications n "
        "WHERE n.task_id = response_tasks.id) WHERE EXISTS (SELECT 1 FROM response_notifications n "
        "WHERE n.task_id = response_tasks.id)"
    )
    with op.batch_alter_table('response_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_response_tasks_escalating_parent', ['due_at'], unique=False, postgresql_where=sa.text(PARENT), sqlite_where=sa.text(PARENT))
        batch_op.create_index('ix_response_tasks_escalating_grandparent', ['due_at'], unique=False, postgresql_where=sa.text(GRANDPARENT), sqlite_where=sa.text(GRANDPARENT))
        batch_op.create_index('ix_response_tasks_open_lights', ['owner_id', 'due_at'], unique=False, postgresql_include=['yellow_at', 'parent_id', 'grandparent_id'], postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    with op.batch_alter_table('response_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_response_tasks_open_lights', postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
        batch_op.drop_index('ix_response_tasks_escalating_grandparent', postgresql_where=sa.text(GRANDPARENT), sqlite_where=sa.text(GRANDPARENT))
        batch_op.drop_index('ix_response_tasks_escalating_parent', postgresql_where=sa.text(PARENT), sqlite_where=sa.text(PARENT))
        batch_op.drop_column('escalated')
