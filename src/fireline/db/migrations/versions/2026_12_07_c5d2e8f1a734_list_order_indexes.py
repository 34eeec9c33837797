"""list order indexes: the case list and the sample list read their newest rows first

A list's page is ``ORDER BY <sort>, id LIMIT 51`` over a jurisdiction subtree. With an
index in that order PostgreSQL walks it from the newest row and stops after the page
(keyset pages seek into it, fireline.keyset); without one it sorts every row in scope.
Measured on a 100,000-case wave (docs/benchmarks.md, "Lists: keyset pages and estimated
counts (issue #17)").

Revision ID: c5d2e8f1a734
Revises: c41d7e2b9f08
Create Date: 2026-12-07 21:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c5d2e8f1a734"
down_revision: str | None = "c41d7e2b9f08"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_date_reporting_id", ["date_reporting", "id"], unique=False)
    with op.batch_alter_table("samples", schema=None) as batch_op:
        batch_op.create_index("ix_samples_collected_at_id", ["collected_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("samples", schema=None) as batch_op:
        batch_op.drop_index("ix_samples_collected_at_id")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_date_reporting_id")
