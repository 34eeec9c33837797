"""response tasks: open tasks by type and case, in place of the response_id index

The evidence sweep looks for the cases with an open task of a type, every minute; it
read every task through the case_id index (or the whole table) to find them: 1.1-1.3 s
of each rule at a 100,000-case wave under load. A partial index over the open tasks'
(type, case_id) answers from the index. The response_id index goes: the unique key
(response_id, case_id, playbook_id) leads with the same column, and every index costs a
bulk day's 800,000 task inserts and 1,000,000 escalation updates once more
(docs/benchmarks.md, "Bulk day").

Revision ID: d5a8e2f4c613
Revises: d8618459cff0
Create Date: 2026-12-07 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd5a8e2f4c613'
down_revision: str | None = 'd8618459cff0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status = 'open'"


def upgrade() -> None:
    with op.batch_alter_table('response_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_tasks_response_id'))
        batch_op.create_index('ix_response_tasks_open_type_case', ['type', 'case_id'], unique=False, postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    with op.batch_alter_table('response_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_response_tasks_open_type_case', postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
        batch_op.create_index(batch_op.f('ix_response_tasks_response_id'), ['response_id'], unique=False)
