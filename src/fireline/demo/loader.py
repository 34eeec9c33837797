"""Write a simulated outbreak into the database, set-based.

PostgreSQL gets the rows by ``COPY ... FROM STDIN`` in CSV made by Arrow;
SQLite by ``executemany`` on the raw driver cursor (docs/architecture.md, "Set-based hot
paths"). Ids are shifted past the largest ids already stored, and codes made
from ids (venue codes, barcodes, external ids) are re-derived from the shifted
ids, so loading the same outbreak twice does not collide.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, Table, select, text
from sqlalchemy.orm import Session

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
BATCH_ROWS = 100_000
SQUEEZE_US = 3_600_000_000.0  # the last hour before the load, in microseconds


class UnknownJurisdictions(ValueError):
    """The outbreak names jurisdiction codes the database does not have."""


def load_outbreak(
    target: Session | Connection, outbreak: Outbreak, now: datetime | None = None
) -> dict[str, int]:
    """Insert every table of ``outbreak``; returns rows written per table. Does not commit.

    ``now`` stamps the columns the simulator leaves to the database (created, updated):
    the caller's clock; by default, the last day of the outbreak at 16:00 in the province,
    so that nothing loaded lies in the future of the data."""
    if isinstance(target, Session):
        target.flush()
        connection = target.connection()
    else:
        connection = target
    rows = connection.execute(select(Jurisdiction.code, Jurisdiction.id))
    jurisdictions = {code: jurisdiction_id for code, jurisdiction_id in rows}
    offsets = {name: _max_id(connection, name) for name in TABLES}
    now = now or datetime.combine(outbreak.as_of, time(8), UTC)
    end = datetime.combine(outbreak.as_of + timedelta(days=1), time(), UTC)
    written: dict[str, int] = {}
    for name, table in outbreak.tables().items():
        prepared = prepare(name, table, offsets, jurisdictions, now, end)
        _write(connection, name, prepared)
        written[name] = prepared.num_rows
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
) -> pa.Table:
    """The outbreak table with ids shifted, jurisdiction ids and the database's columns."""
    if "id" not in table.column_names:  # transmission links: ids made here
        table = table.add_column(0, "id", pa.array(np.arange(1, table.num_rows + 1)))
    table = _shift(table, "id", offsets[name])
    for column, other in REFERENCES.get(name, {}).items():
        table = _shift(table, column, offsets[other])
    if name in CODED and offsets[name]:
        column, prefix, width = CODED[name]
        ids = table.column("id").to_numpy()
        width = max(width, len(str(int(ids.max(initial=0)))))
        table = table.set_column(
            table.column_names.index(column), column, coded(prefix, ids, width)
        )
    index = table.column_names.index("jurisdiction_code")
    table = table.set_column(
        index, "jurisdiction_id", _jurisdiction_ids(table.column(index), jurisdictions)
    )
    last = end or datetime.combine(now.date() + timedelta(days=1), time(), UTC)
    return _complete(name, _not_after(table, now, max(last, now)), now)


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


def _write(connection: Connection, name: str, table: pa.Table) -> None:
    if connection.dialect.name == "postgresql":
        _copy(connection, name, table)
    else:
        _executemany(connection, name, table)


def _copy(connection: Connection, name: str, table: pa.Table) -> None:
    """COPY in CSV, one Arrow record batch at a time to bound memory."""
    columns = ", ".join(table.column_names)
    options = pa_csv.WriteOptions(include_header=False)
    driver = connection.connection.driver_connection
    statement = f"COPY {name} ({columns}) FROM STDIN (FORMAT csv)"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            buffer = io.BytesIO()
            pa_csv.write_csv(batch, buffer, write_options=options)
            copy.write(buffer.getvalue())


def _executemany(connection: Connection, name: str, table: pa.Table) -> None:
    columns = ", ".join(table.column_names)
    marks = ", ".join("?" * table.num_columns)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for rows in sqlite_rows(table):
            cursor.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def sqlite_rows(table: pa.Table) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of row tuples in SQLAlchemy's SQLite storage formats (ISO text dates)."""
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        columns = [_sqlite_column(batch.column(i)).to_pylist() for i in range(batch.num_columns)]
        yield list(zip(*columns, strict=True))


def _sqlite_column(column: pa.Array) -> pa.Array:
    if pa.types.is_timestamp(column.type):
        # SQLAlchemy stores DateTime on SQLite as naive text in this format.
        return pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_date(column.type) or pa.types.is_dictionary(column.type):
        return column.cast(pa.string())
    return column


def _advance_sequences(connection: Connection) -> None:
    """COPY with explicit ids leaves the id sequences behind; move them past the max."""
    for name in TABLES:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )
