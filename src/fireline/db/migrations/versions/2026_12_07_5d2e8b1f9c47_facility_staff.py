"""facility staff: which facility a facility user works at

Revision ID: 5d2e8b1f9c47
Revises: 8c41d5e0a2f7
Create Date: 2026-12-07 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2e8b1f9c47"
down_revision: str | None = "5d2e8a7c41b9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facility_staff",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["quarantine_facilities.id"],
            name=op.f("fk_facility_staff_facility_id_quarantine_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdictions.id"],
            name=op.f("fk_facility_staff_jurisdiction_id_jurisdictions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_facility_staff_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "facility_id", name=op.f("pk_facility_staff")),
    )
    with op.batch_alter_table("facility_staff", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facility_staff_facility_id"), ["facility_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facility_staff_jurisdiction_id"), ["jurisdiction_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("facility_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facility_staff_jurisdiction_id"))
        batch_op.drop_index(batch_op.f("ix_facility_staff_facility_id"))
    op.drop_table("facility_staff")
