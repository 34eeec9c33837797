"""Alembic environment: runs against the connection that fireline.db.migrate passes in."""

from __future__ import annotations

from alembic import context

from fireline.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs plain `alembic`
    raise RuntimeError("run migrations with `fireline db upgrade`")

# render_as_batch lets ALTER work on SQLite by copying the table (Alembic docs,
# "Running Batch Migrations for SQLite and Other Databases").
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
