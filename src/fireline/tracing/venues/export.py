"""Database check-ins to Parquet, for the bulk engines (docs/architecture.md, "Storage and scale").

The database holds check-ins for the demo and small deployments; the engines
read Parquet, so a run over the database first writes the visits that can touch
the index cases' windows to a temporary file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.tracing.venues.models import CheckIn
from fireline.tracing.venues.rules import CHECK_IN_SCHEMA

BATCH_ROWS = 100_000


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def export_check_ins(
    session: Session, path: Path, *, since: datetime | None = None, until: datetime | None = None
) -> int:
    """Write the check-ins that began in ``[since, until)`` to ``path``; returns the rows.

    Every venue's check-ins are written (exposure crosses county lines); callers
    limit who may run this. Streams in batches to bound memory.
    """
    statement = select(
        CheckIn.person_id, CheckIn.venue_id, CheckIn.checked_in_at, CheckIn.checked_out_at
    )
    if since is not None:
        statement = statement.where(CheckIn.checked_in_at >= since)
    if until is not None:
        statement = statement.where(CheckIn.checked_in_at < until)
    written = 0
    with pq.ParquetWriter(path, CHECK_IN_SCHEMA) as writer:
        result = session.execute(statement.execution_options(yield_per=BATCH_ROWS))
        for rows in result.partitions():
            columns = list(zip(*rows, strict=True))
            arrays = [
                pa.array(columns[0], pa.int64()),
                pa.array(columns[1], pa.int64()),
                pa.array([_utc(v) for v in columns[2]], CHECK_IN_SCHEMA.field(2).type),
                pa.array([_utc(v) for v in columns[3]], CHECK_IN_SCHEMA.field(3).type),
            ]
            writer.write_table(pa.table(arrays, schema=CHECK_IN_SCHEMA))
            written += len(rows)
    return written
