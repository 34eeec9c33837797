"""scoped matching: a birth-date index on persons, sample barcodes unique per jurisdiction

``ix_persons_birth_date`` makes the birth-date blocking key of person matching an
index lookup (national ID and phone had one already). A sample barcode becomes
unique within its jurisdiction rather than across the tree, so that registering a
barcode another county holds answers as a new barcode does.

Revision ID: 3f9a1c2e7b4d
Revises: 3b9e51c7a0d2
Create Date: 2026-12-07 04:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3f9a1c2e7b4d"
down_revision: str | None = "3b9e51c7a0d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_persons_birth_date"), ["birth_date"], unique=False)
    with op.batch_alter_table("samples", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_samples_barcode"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_samples_barcode_jurisdiction", ["barcode", "jurisdiction_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("samples", schema=None) as batch_op:
        batch_op.drop_constraint("uq_samples_barcode_jurisdiction", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_samples_barcode"), ["barcode"])
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_birth_date"))
