"""Set-based writes: COPY on PostgreSQL, executemany on SQLite, from Arrow tables.

PostgreSQL gets CSV written by Arrow's C++ writer and streamed through psycopg 3's
``cursor.copy`` (psycopg docs, "Using COPY TO and COPY FROM"): no Python object per
value. SQLite has no COPY; ``executemany`` of one prepared INSERT is its fastest
path from Python (sqlite.org/faq.html#q19: one transaction around all inserts).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import text
from sqlalchemy.orm import Session

COPY_CHUNK_ROWS = 100_000


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def driver_connection(session: Session) -> Any:
    """The psycopg or sqlite3 connection under the session's current transaction."""
    return session.connection().connection.driver_connection


def insert_rows(session: Session, table: str, rows: pa.Table) -> None:
    """Append ``rows`` (columns named as the table's) to ``table``."""
    if rows.num_rows == 0:
        return
    if is_postgres(session):
        _copy_in(session, table, rows)
    else:
        _executemany(session, table, rows)


def _copy_in(session: Session, table: str, rows: pa.Table) -> None:
    columns = ", ".join(f'"{name}"' for name in rows.column_names)
    statement = f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)"
    with driver_connection(session).cursor() as cursor, cursor.copy(statement) as copy:
        for batch in rows.to_batches(max_chunksize=COPY_CHUNK_ROWS):
            buffer = io.BytesIO()
            pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
            copy.write(buffer.getbuffer())


def _executemany(session: Session, table: str, rows: pa.Table) -> None:
    columns = ", ".join(f'"{name}"' for name in rows.column_names)
    marks = ", ".join("?" for _ in rows.column_names)
    values = [_sqlite_values(column) for column in rows.columns]
    cursor = driver_connection(session).cursor()
    try:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", zip(*values, strict=True)
        )
    finally:
        cursor.close()


def _sqlite_values(column: pa.ChunkedArray) -> list[Any]:
    """Values as SQLAlchemy stores them in SQLite: ISO text for dates and instants."""
    kind = column.type
    if pa.types.is_date(kind):
        column = pc.cast(column, pa.string())
    elif pa.types.is_timestamp(kind):
        column = pc.strftime(column, "%Y-%m-%d %H:%M:%S")  # %S carries the microseconds in Arrow
    elif pa.types.is_boolean(kind):
        column = pc.cast(column, pa.int8())
    values: list[Any] = column.to_pylist()
    return values


def allocate_ids(session: Session, table: str, count: int) -> npt.NDArray[np.int64]:
    """``count`` fresh primary keys for ``table``, taken before the rows are written.

    PostgreSQL: drawn from the table's own sequence (so concurrent inserts never
    collide). SQLite: after the largest id, which is safe
    because the transaction already holds SQLite's single write lock.
    """
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    if not is_postgres(session):
        top = session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
        return np.arange(int(top) + 1, int(top) + count + 1, dtype=np.int64)
    # One row holding every id as text: one round trip, parsed by NumPy.
    query = text(
        f"SELECT string_agg(nextval(pg_get_serial_sequence('{table}', 'id'))::text, ' ') "
        "FROM generate_series(1, :count)"
    )
    joined = session.execute(query, {"count": int(count)}).scalar_one()
    return np.fromstring(joined, dtype=np.int64, sep=" ")


def create_stage(session: Session, name: str, columns: str) -> None:
    """A temporary table for one import, gone at the end of the transaction."""
    if is_postgres(session):
        session.execute(text(f"CREATE TEMP TABLE {name} ({columns}) ON COMMIT DROP"))
    else:
        session.execute(text(f"DROP TABLE IF EXISTS temp.{name}"))
        session.execute(text(f"CREATE TEMP TABLE {name} ({columns})"))


def drop_stage(session: Session, name: str) -> None:
    session.execute(text(f"DROP TABLE IF EXISTS {name}"))


def analyze(session: Session, name: str) -> None:
    """Fresh statistics, so that the planner hash-joins a large stage (PostgreSQL)."""
    if is_postgres(session):
        session.execute(text(f"ANALYZE {name}"))
