"""contacts listed_at index: the league table counts the contacts listed in a week

Measured on the demo (3,000 cases, 26,895 contacts, SQLite): the league table's contact
count went from 29 ms (every contact of the scope read through its jurisdiction) to
2 ms (only the week's contacts read), docs/benchmarks.md, "serve-load".

Revision ID: a3f1c9d27e54
Revises: b7e3f0a9d2c5
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'a3f1c9d27e54'
down_revision: str | None = 'b7e3f0a9d2c5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_listed_at'), ['listed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_listed_at'))
