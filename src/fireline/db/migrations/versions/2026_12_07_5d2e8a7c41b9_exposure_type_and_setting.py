"""exposure rows: how (exposure type) and where (setting) people were exposed

The interview's free-text notes stay on the interview, as they were, shown as notes
beside the exposure rows; nothing typed before is moved or lost.

Revision ID: 5d2e8a7c41b9
Revises: 8c41d5e0a2f7
Create Date: 2026-12-07 15:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2e8a7c41b9"
down_revision: str | None = "ff7cab969169"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exposures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exposure_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("setting", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exposures", schema=None) as batch_op:
        batch_op.drop_column("setting")
        batch_op.drop_column("exposure_type")
