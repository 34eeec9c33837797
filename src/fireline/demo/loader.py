"""Write a simulated outbreak into the database, set-based.

PostgreSQL gets the rows by ``COPY ... FROM STDIN`` in CSV made by Arrow;
SQLite by ``executemany`` on the raw driver cursor (docs/architecture.md, "Set-based hot
paths"). Ids are shifted past the largest ids already stored, and codes made
from ids (venue codes, barcodes, external ids) are re-derived from the shifted
ids, so loading the same outbreak twice does not collide.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import Connection, Table, select, text
from sqlalchemy.orm import Session

from fireline.db.bulk import sqlite_values
from fireline.places.models import Jurisdiction
from fireline.simulate import TABLES, Outbreak
from fireline.simulate._arrow import coded
from fireline.tables import Base

# Columns that hold another table's ids, per table.
REFERENCES: dict[str, dict[str, str]] = {
    "cases": {"person_id": "persons"},
    "transmission_links": {"infector_case_id": "cases", "infectee_case_id": "cases"},
    "contacts": {"case_id": "cases", "person_id": "persons"},
    "check_ins": {"venue_id": "venues", "person_id": "persons"},
    "samples": {"person_id": "persons"},
    "lab_results": {"sample_id": "samples"},
    "quarantine_orders": {"person_id": "persons", "contact_id": "contacts"},
}
# Columns made from the row's id: (column, prefix, width), as the simulator makes them.
CODED = {
    "venues": ("code", "SV", 6),
    "samples": ("barcode", "SB", 10),
    "cases": ("external_id", "SIM-", 8),
}
# Values for columns the simulator does not produce.
FIXED = {"cases": {"source": "simulate"}, "transmission_links": {"certainty": "probable"}}
# Rows per slice prepared and written: on SQLite each slice becomes Python tuples
# (about 1 KB a row), so 20,000 rows keep that near 20 MB whatever the outbreak's size.
BATCH_ROWS = 20_000
SQUEEZE_US = 3_600_000_000.0  # the last hour before the load, in microseconds


Progress = Callable[[str], None]


class UnknownJurisdictions(ValueError):
    """The outbreak names jurisdiction codes the database does not have."""


@dataclass(frozen=True)
class _Target:
    """What every table's rows are prepared against: id offsets, jurisdictions, clock."""

    offsets: dict[str, int]
    jurisdictions: dict[str, int]
    now: datetime
    end: datetime


def load_outbreak(
    target: Session | Connection,
    outbreak: Outbreak,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Insert every table of ``outbreak``; returns rows written per table. Does not commit.

    ``now`` stamps the columns the simulator leaves to the database (created, updated):
    the caller's clock; by default, the last day of the outbreak at 16:00 in the province,
    so that nothing loaded lies in the future of the data."""
    return load_tables(target, outbreak.tables(), outbreak.as_of, now, progress)


def load_tables(
    target: Session | Connection,
    tables: dict[str, pa.Table],
    as_of: date,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """``load_outbreak`` of an outbreak's ``tables`` (``Outbreak.tables()``), taking each
    out of ``tables`` as it is written: a caller that keeps no other reference (the
    demo) has each table's memory back once it is stored, rather than holding the whole
    outbreak (1.6 GB of Arrow at 600,000 cases) until the last table is in."""
    if isinstance(target, Session):
        target.flush()
        connection = target.connection()
    else:
        connection = target
    rows = connection.execute(select(Jurisdiction.code, Jurisdiction.id))
    now = now or datetime.combine(as_of, time(8), UTC)
    end = datetime.combine(as_of + timedelta(days=1), time(), UTC)
    into = _Target(
        {name: _max_id(connection, name) for name in TABLES},
        {code: jurisdiction_id for code, jurisdiction_id in rows},
        now,
        max(end, now),
    )
    step = progress or (lambda _stage: None)
    written: dict[str, int] = {}
    for name in TABLES:
        table = tables.pop(name)
        step(f"writing {name} ({table.num_rows:,} rows)")
        written[name] = _write(connection, name, table, into)
        del table  # the last reference when the caller kept none
        pa.default_memory_pool().release_unused()
    if connection.dialect.name == "postgresql":
        _advance_sequences(connection)
    return written


def _max_id(connection: Connection, name: str) -> int:
    return int(connection.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {name}")).scalar_one())


def prepare(
    name: str,
    table: pa.Table,
    offsets: dict[str, int],
    jurisdictions: dict[str, int],
    now: datetime,
    end: datetime | None = None,
    top_id: int | None = None,
) -> pa.Table:
    """The outbreak table (or a slice of it) with ids shifted, jurisdiction ids and the
    database's columns; ``top_id``: the whole table's largest id, when given a slice
    (codes made from ids are as wide as the largest needs)."""
    table = _with_ids(table)
    table = _shift(table, "id", offsets[name])
    for column, other in REFERENCES.get(name, {}).items():
        table = _shift(table, column, offsets[other])
    if name in CODED and offsets[name]:
        column, prefix, width = CODED[name]
        ids = table.column("id").to_numpy()
        top = ids.max(initial=0) if top_id is None else top_id + offsets[name]
        width = max(width, len(str(int(top))))
        table = table.set_column(
            table.column_names.index(column), column, coded(prefix, ids, width)
        )
    index = table.column_names.index("jurisdiction_code")
    table = table.set_column(
        index, "jurisdiction_id", _jurisdiction_ids(table.column(index), jurisdictions)
    )
    last = end or datetime.combine(now.date() + timedelta(days=1), time(), UTC)
    return _complete(name, _not_after(table, now, max(last, now)), now)


def _with_ids(table: pa.Table) -> pa.Table:
    if "id" in table.column_names:
        return table
    # transmission links: ids made here, 1..n as the simulator's
    return table.add_column(0, "id", pa.array(np.arange(1, table.num_rows + 1)))


def _shift(table: pa.Table, column: str, offset: int) -> pa.Table:
    if not offset:
        return table
    index = table.column_names.index(column)
    return table.set_column(index, column, pc.add(table.column(index), pa.scalar(offset)))


def _jurisdiction_ids(codes: pa.ChunkedArray, known: dict[str, int]) -> pa.Array:
    names = pa.array(list(known), type=pa.string())
    position = pc.index_in(codes.cast(pa.string()), value_set=names)
    if position.null_count:
        missing = pc.filter(codes.cast(pa.string()), pc.is_null(position))[0].as_py()
        raise UnknownJurisdictions(f"jurisdiction {missing} is not in the database")
    return pa.array(list(known.values()), type=pa.int64()).take(position)


def _not_after(table: pa.Table, now: datetime, end: datetime) -> pa.Table:
    """Instants the simulator drew after ``now`` (up to ``end``, the end of its last
    day) are squeezed into the hour before ``now``, in their order: a check-in or a
    result the users see never lies in their future, and a day's tail does not pile up
    on the load instant. One mapping for every column, so a sample and its result
    drawn after ``now`` keep their order."""
    now_us = _micros(now)
    span = max(_micros(end) - now_us, 1)
    for index, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            column = table.column(index)
            later = pc.fill_null(pc.greater(column, pa.scalar(now, type=field.type)), False)
            left = pc.subtract(pa.scalar(_micros(end)), pc.cast(column, pa.int64()))
            back = pc.multiply(pc.divide(pc.cast(left, pa.float64()), float(span)), SQUEEZE_US)
            moved = pc.subtract(pa.scalar(float(now_us)), pc.min_element_wise(back, SQUEEZE_US))
            moved = pc.cast(pc.cast(moved, pa.int64(), safe=False), field.type)
            table = table.set_column(index, field.name, pc.if_else(later, moved, column))
    return table


def _micros(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


def _complete(name: str, table: pa.Table, now: datetime) -> pa.Table:
    """Add the columns the simulator leaves to the database (timestamps, version...)."""
    schema: Table = Base.metadata.tables[name]
    present = set(table.column_names)
    for column in schema.columns:
        if column.name in present:
            continue
        value = _default(name, column.name, column.default, now)
        if value is not None:
            table = table.append_column(column.name, pa.repeat(pa.scalar(value), table.num_rows))
    return table


def _default(name: str, column: str, default: Any, now: datetime) -> object:
    if column in FIXED.get(name, {}):
        return FIXED[name][column]
    if column in ("created_at", "updated_at"):
        return now
    if column == "version":
        return 1
    arg = getattr(default, "arg", None)
    return None if arg is None or callable(arg) else arg


def _write(connection: Connection, name: str, table: pa.Table, into: _Target) -> int:
    """Prepare and write ``table`` one slice of ``BATCH_ROWS`` at a time: the prepared
    copy and its CSV or Python tuples exist for one slice only."""
    table = _with_ids(table)
    top = int(pc.max(table.column("id")).as_py() or 0)

    def prepared(part: pa.Table) -> pa.Table:
        return prepare(name, part, into.offsets, into.jurisdictions, into.now, into.end, top)

    columns = prepared(table.slice(0, 0)).column_names
    slices = (prepared(pa.Table.from_batches([b])) for b in table.to_batches(BATCH_ROWS))
    if connection.dialect.name == "postgresql":
        _copy(connection, name, columns, slices)
    else:
        _executemany(connection, name, columns, slices)
    return int(table.num_rows)


def _copy(
    connection: Connection, name: str, columns: list[str], slices: Iterable[pa.Table]
) -> None:
    """One COPY in CSV per table; Arrow writes each slice while a psycopg thread sends
    the previous one (``QueuedLibpqWriter``, as in db/bulk.py)."""
    options = pa_csv.WriteOptions(include_header=False)
    driver: Any = connection.connection.driver_connection
    statement = f"COPY {name} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
    with (
        driver.cursor() as cursor,
        cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy,
    ):
        for part in slices:
            buffer = io.BytesIO()
            pa_csv.write_csv(part, buffer, write_options=options)
            copy.write(buffer.getbuffer())


def _executemany(
    connection: Connection, name: str, columns: list[str], slices: Iterable[pa.Table]
) -> None:
    marks = ", ".join("?" * len(columns))
    statement = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for part in slices:
            for rows in sqlite_rows(part):
                cursor.executemany(statement, rows)
    finally:
        cursor.close()


def sqlite_rows(table: pa.Table) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of ``BATCH_ROWS`` row tuples in SQLAlchemy's SQLite storage formats (ISO
    text dates), built column-wise through NumPy (db/bulk.py)."""
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        columns = [sqlite_values(column) for column in batch.columns]
        yield list(zip(*columns, strict=True))


def _advance_sequences(connection: Connection) -> None:
    """COPY with explicit ids leaves the id sequences behind; move them past the max."""
    for name in TABLES:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )
