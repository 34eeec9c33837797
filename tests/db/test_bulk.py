"""Set-based writes store exactly what SQLAlchemy stores, on both backends.

Each test writes the same rows twice, once through ``db.bulk`` and once through a plain
SQLAlchemy INSERT (the reference: it is how every other path writes), into two temporary
tables of the same shape, and compares what the database holds and what it reads back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    MetaData,
    Table,
    Text,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

from fireline.db import bulk
from fireline.db.base import UTCDateTime
from tests.places.factories import small_tree

DDL = (
    "pos BIGINT, n BIGINT, s TEXT, d DATE, at TIMESTAMP WITH TIME ZONE, flag BOOLEAN, "
    "code TEXT, batch BIGINT, note TEXT, made TIMESTAMP WITH TIME ZONE, day DATE, "
    "ok BOOLEAN, ratio DOUBLE PRECISION, unset TEXT"
)


def probe(name: str) -> Table:
    return Table(
        name,
        MetaData(),
        Column("pos", BigInteger),
        Column("n", BigInteger),
        Column("s", Text),
        Column("d", Date),
        Column("at", UTCDateTime()),
        Column("flag", Boolean),
        Column("code", Text),
        Column("batch", BigInteger),
        Column("note", Text),
        Column("made", UTCDateTime()),
        Column("day", Date),
        Column("ok", Boolean),
        Column("ratio", Float),
        Column("unset", Text),
    )


# Text that CSV (the COPY path) must quote: separators, quotes, line breaks, an empty
# string beside a NULL, and text that merely looks like a number or a NULL.
TEXTS = ["plain", "comma, inside", 'say "hi"', "line\nbreak", "", None, "张三", "NULL", "0042"]
ROWS: list[dict[str, Any]] = [
    {
        "pos": i,
        "n": None if i % 4 == 1 else (i - 4) * 10**12,
        "s": s,
        "d": None if i == 2 else date(2024, 2, 27 + i % 3),
        "at": None if i == 3 else datetime(2026, 3, 1, i, 5, 7, 120_000 * i, tzinfo=UTC),
        "flag": None if i == 5 else i % 2 == 0,
        "code": ["C1A", "C2B", None][i % 3],
    }
    for i, s in enumerate(TEXTS)
]
CONSTANTS: dict[str, Any] = {
    "batch": 7,
    "note": "O'Brien's batch",
    "made": datetime(2026, 3, 1, 2, 0, 0, 5, tzinfo=UTC),
    "day": date(2024, 2, 29),
    "ok": True,
    "ratio": 0.25,
    "unset": None,
}


def arrow_rows(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """The rows as the importers hand them over: typed columns, codes dictionary-encoded."""
    return pa.table(
        {
            "pos": pa.array([r["pos"] for r in rows], pa.int64()),
            "n": pa.array([r["n"] for r in rows], pa.int64()),
            "s": pa.array([r["s"] for r in rows], pa.string()),
            "d": pa.array([r["d"] for r in rows], pa.date32()),
            "at": pa.array([r["at"] for r in rows], pa.timestamp("us", tz="UTC")),
            "flag": pa.array([r["flag"] for r in rows], pa.bool_()),
            "code": pa.array([r["code"] for r in rows], pa.string()).dictionary_encode(),
        }
    )


def both(
    session: Session, rows: pa.Table, reference: list[dict[str, Any]], constants: dict[str, Any]
) -> tuple[Table, Table]:
    """Write through bulk into one stage and through SQLAlchemy into another."""
    ours, theirs = probe("bulk_probe"), probe("core_probe")
    for table in (ours, theirs):
        bulk.create_stage(session, table.name, DDL)
    bulk.insert_rows(session, ours.name, rows, constants)
    session.execute(insert(theirs), [{**row, **constants} for row in reference])
    return ours, theirs


def stored(session: Session, table: Table) -> list[tuple[Any, ...]]:
    """The values as the database holds them, not converted by SQLAlchemy's types."""
    names = ", ".join(c.name for c in table.columns)
    query = text(f"SELECT {names} FROM {table.name} ORDER BY pos")
    return [tuple(row) for row in session.execute(query)]


def test_rows_and_constants_are_stored_as_sqlalchemy_stores_them(session: Session) -> None:
    ours, theirs = both(session, arrow_rows(ROWS), ROWS, CONSTANTS)
    assert stored(session, ours) == stored(session, theirs)
    read = [dict(r._mapping) for r in session.execute(select(ours).order_by(ours.c.pos))]
    assert read == [{**row, **CONSTANTS} for row in ROWS]


def test_copy_sends_the_rows_in_chunks(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "COPY_CHUNK_ROWS", 2)  # five chunks on PostgreSQL
    ours, theirs = both(session, arrow_rows(ROWS), ROWS, {})
    assert stored(session, ours) == stored(session, theirs)


def test_nothing_to_write_writes_nothing(session: Session) -> None:
    bulk.create_stage(session, "bulk_probe", DDL)
    bulk.insert_rows(session, "bulk_probe", arrow_rows([]), CONSTANTS)
    assert session.execute(text("SELECT count(*) FROM bulk_probe")).scalar_one() == 0


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (None, "NULL"),
        (True, "1"),
        (False, "0"),
        (12, "12"),
        (0.5, "0.5"),
        ("it's", "'it''s'"),
        (date(2024, 2, 29), "'2024-02-29'"),
        (datetime(2026, 3, 1, 2, 3, 4, 5, tzinfo=UTC), "'2026-03-01 02:03:04.000005'"),
    ],
)
def test_sqlite_literals(value: object, literal: str) -> None:
    assert bulk.sqlite_literal(value) == literal


def test_a_stage_can_be_made_again_and_dropped(session: Session) -> None:
    bulk.create_stage(session, "bulk_probe", "id BIGINT")
    session.execute(text("INSERT INTO bulk_probe VALUES (1)"))
    if not bulk.is_postgres(session):  # SQLite's temp tables outlive the transaction
        bulk.create_stage(session, "bulk_probe", "id BIGINT")  # replaced, not refused
        assert session.execute(text("SELECT count(*) FROM bulk_probe")).scalar_one() == 0
    bulk.drop_stage(session, "bulk_probe")
    bulk.drop_stage(session, "bulk_probe")  # gone already: no error
    bulk.create_stage(session, "bulk_probe", "id BIGINT")  # a new, empty one
    assert session.execute(text("SELECT count(*) FROM bulk_probe")).scalar_one() == 0


def test_allocated_ids_are_fresh_and_never_taken_again(session: Session) -> None:
    tree = small_tree(session)
    assert bulk.allocate_ids(session, "jurisdictions", 0).size == 0
    taken = {place.id for place in tree.values()}
    ids = bulk.allocate_ids(session, "jurisdictions", 4)
    assert ids.tolist() == list(range(int(ids[0]), int(ids[0]) + 4))
    assert ids[0] > max(taken)
    if bulk.is_postgres(session):  # from the sequence: the next ORM insert skips them
        from tests.places.factories import add_jurisdiction

        assert add_jurisdiction(session, "NEW", tree["C1"]).id > ids[-1]


def test_bulk_settings_apply_inside_and_are_restored(session: Session) -> None:
    if bulk.is_postgres(session):
        with bulk.bulk_settings(session):
            assert session.execute(text("SHOW synchronous_commit")).scalar_one() == "off"
        return
    connection = bulk.driver_connection(session)

    def pragmas() -> dict[str, int]:
        return {
            k: connection.execute(f"PRAGMA {k}").fetchone()[0] for k in bulk.SQLITE_IMPORT_PRAGMAS
        }

    before = pragmas()
    with bulk.bulk_settings(session):
        assert pragmas() == bulk.SQLITE_IMPORT_PRAGMAS
    assert pragmas() == before != bulk.SQLITE_IMPORT_PRAGMAS
    with pytest.raises(RuntimeError), bulk.bulk_settings(session):
        raise RuntimeError("the import failed")
    assert pragmas() == before  # restored on the way out of a failure too


def test_analyze_gives_postgresql_the_row_count(session: Session) -> None:
    bulk.create_stage(session, "bulk_probe", "id BIGINT")
    session.execute(text("INSERT INTO bulk_probe SELECT 1"))
    bulk.analyze(session, "bulk_probe")  # a no-op on SQLite
    if bulk.is_postgres(session):
        tuples = session.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = 'bulk_probe'::regclass")
        ).scalar_one()
        assert tuples == 1


def test_set_instants_sets_the_rows_given_as_sqlalchemy_stores_them(session: Session) -> None:
    table = Table(
        "instant_probe", MetaData(), Column("id", BigInteger), Column("at", UTCDateTime())
    )
    bulk.create_stage(session, table.name, "id BIGINT, at TIMESTAMP WITH TIME ZONE")
    old, new = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, 2, 5, 7, 120_000, tzinfo=UTC)
    later = new + timedelta(hours=1)
    session.execute(
        insert(table), [{"id": i, "at": old} for i in (1, 2, 3)] + [{"id": 4, "at": new}]
    )
    instants = pa.array([new, later], pa.timestamp("us", tz="UTC"))
    assert bulk.set_instants(session, table.name, "at", np.array([3, 1]), instants) == 2
    raw = dict(session.execute(text("SELECT id, at FROM instant_probe")).tuples().all())
    assert raw[3] == raw[4]  # the very text (SQLite) or value SQLAlchemy stores
    read = dict(session.execute(select(table.c.id, table.c.at)).tuples().all())
    assert read == {1: later, 2: old, 3: new, 4: new}
    assert bulk.set_instants(session, table.name, "at", np.array([], np.int64), instants[:0]) == 0
