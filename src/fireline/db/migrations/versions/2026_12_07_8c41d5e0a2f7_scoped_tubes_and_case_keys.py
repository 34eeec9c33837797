"""scoped tubes and case keys: pool tube barcodes, case (source, external_id), lab
message (source, message_id) and lab result (source, external_id, revision) unique per
jurisdiction

As sample barcodes in 3f9a1c2e7b4d: registering a tube, or reporting a case id, that
another county holds answers as a new one does, so no answer reveals the other county's
record (OWASP API Security Top 10 2023, API1 "Broken Object Level Authorization"). The
lookups are limited to the actor's subtree in the services; the jurisdiction joins the
keys so that two counties may hold the same one.

Revision ID: 8c41d5e0a2f7
Revises: 3f9a1c2e7b4d
Create Date: 2026-12-07 05:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8c41d5e0a2f7"
down_revision: str | None = "3f9a1c2e7b4d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_pools_barcode"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_pools_barcode_jurisdiction", ["barcode", "jurisdiction_id"]
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_cases_source"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_cases_source_jurisdiction", ["source", "external_id", "jurisdiction_id"]
        )

    with op.batch_alter_table("lab_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_lab_messages_source"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_lab_messages_source_jurisdiction", ["source", "message_id", "jurisdiction_id"]
        )
    with op.batch_alter_table("lab_results", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_lab_results_source"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_lab_results_source_jurisdiction",
            ["source", "external_id", "revision", "jurisdiction_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("lab_results", schema=None) as batch_op:
        batch_op.drop_constraint("uq_lab_results_source_jurisdiction", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_lab_results_source"), ["source", "external_id", "revision"]
        )
    with op.batch_alter_table("lab_messages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_lab_messages_source_jurisdiction", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_lab_messages_source"), ["source", "message_id"]
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cases_source_jurisdiction", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_cases_source"), ["source", "external_id"])
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pools_barcode_jurisdiction", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_pools_barcode"), ["barcode"])
