"""responses: indexes in the list's order (newest first), in all and per jurisdiction

The responses list sorted every response in scope for each page: 600,000 for the
province at the wave. With (opened_at, id) and (jurisdiction_id, opened_at, id) it is
read in order and stopped at the page.

Revision ID: b7d2f5a9c318
Revises: a4c8e1f3b927
Create Date: 2026-12-08 03:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'b7d2f5a9c318'
down_revision: str | None = 'a4c8e1f3b927'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_responses_opened_at_id', 'responses', ['opened_at', 'id'])
    op.create_index(
        'ix_responses_jurisdiction_id_opened_at_id',
        'responses',
        ['jurisdiction_id', 'opened_at', 'id'],
    )


def downgrade() -> None:
    op.drop_index('ix_responses_jurisdiction_id_opened_at_id', table_name='responses')
    op.drop_index('ix_responses_opened_at_id', table_name='responses')
