"""Date and time arithmetic that reads the same on SQLite and PostgreSQL.

SQLAlchemy stores SQLite instants as ``YYYY-MM-DD HH:MM:SS.ffffff`` text and
dates as ``YYYY-MM-DD``; the SQLite forms below write and read those exact
shapes, so comparisons with bound values stay plain text comparisons.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    CursorResult,
    Date,
    DateTime,
    Executable,
    Integer,
    Select,
    String,
    TableClause,
    column,
    table,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.functions import FunctionElement

from fireline.db.base import UTCDateTime

# Above this many rows written, PostgreSQL gets fresh statistics for the table at once:
# a bulk load must not be planned with the statistics of an empty table (autovacuum's
# ANALYZE comes minutes later).
BIG_BATCH = 10_000


class add_hours(FunctionElement[Any]):  # noqa: N801 - reads as an SQL function
    """``instant + hours`` (hours is a constant of the statement, not a column)."""

    type = UTCDateTime()
    inherit_cache = False
    name = "add_hours"

    def __init__(self, instant: Any, hours: float) -> None:
        self.hours = float(hours)
        super().__init__(instant)


class add_days(FunctionElement[Any]):  # noqa: N801
    """``date + days`` (days is a constant of the statement)."""

    type = Date()
    inherit_cache = False
    name = "add_days"

    def __init__(self, day: Any, days: int) -> None:
        self.days = int(days)
        super().__init__(day)


class day_diff(FunctionElement[Any]):  # noqa: N801
    """Whole calendar days from ``start`` to ``end`` (dates or instants, UTC days)."""

    type = Integer()
    inherit_cache = True
    name = "day_diff"


class hour_of(FunctionElement[Any]):  # noqa: N801
    """The UTC hour of an instant as text, ``YYYY-MM-DD HH:00`` (a group key)."""

    type = String()
    inherit_cache = True
    name = "hour_of"


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(add_hours, "sqlite")
def _add_hours_sqlite(element: add_hours, compiler: SQLCompiler, **kw: Any) -> str:
    (instant,) = _args(element, compiler, **kw)
    seconds = f"{element.hours * 3600:+.3f} seconds"
    return f"(strftime('%Y-%m-%d %H:%M:%f', {instant}, '{seconds}') || '000')"


@compiles(add_hours, "postgresql")
def _add_hours_pg(element: add_hours, compiler: SQLCompiler, **kw: Any) -> str:
    (instant,) = _args(element, compiler, **kw)
    return f"({instant} + interval '{element.hours * 3600:.3f} seconds')"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: add_days, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = _args(element, compiler, **kw)
    return f"date({day}, '{element.days:+d} days')"


@compiles(add_days, "postgresql")
def _add_days_pg(element: add_days, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = _args(element, compiler, **kw)
    return f"(CAST({day} AS DATE) + {element.days:d})"


@compiles(hour_of, "sqlite")
def _hour_of_sqlite(element: hour_of, compiler: SQLCompiler, **kw: Any) -> str:
    (instant,) = _args(element, compiler, **kw)
    return f"strftime('%Y-%m-%d %H:00', {instant})"


@compiles(hour_of, "postgresql")
def _hour_of_pg(element: hour_of, compiler: SQLCompiler, **kw: Any) -> str:
    (instant,) = _args(element, compiler, **kw)
    return f"to_char(({instant}) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:00')"


@compiles(day_diff, "sqlite")
def _day_diff_sqlite(element: day_diff, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"CAST(julianday(date({end})) - julianday(date({start})) AS INTEGER)"


@compiles(day_diff, "postgresql")
def _day_diff_pg(element: day_diff, compiler: SQLCompiler, **kw: Any) -> str:
    # An instant's day is its UTC day, whatever the session's TimeZone setting.
    start, end = (
        f"(({compiler.process(arg, **kw)}) AT TIME ZONE 'UTC')"
        if isinstance(arg.type, DateTime | UTCDateTime)
        else compiler.process(arg, **kw)
        for arg in element.clauses
    )
    return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"


def write(session: Session, statement: Executable) -> int:
    """Run a set-based INSERT ... SELECT or UPDATE on the session's connection and return
    the rows written (the ORM's own result does not carry the count on every driver)."""
    session.flush()
    result = session.connection().execute(statement, execution_options={"preserve_rowcount": True})
    assert isinstance(result, CursorResult)
    return max(int(result.rowcount), 0)


def analyze(session: Session, *tables: str) -> None:
    """Refresh PostgreSQL's statistics of ``tables`` after a bulk write (see BIG_BATCH);
    with no table named, of the whole database (after a load: "Run ANALYZE Afterwards",
    PostgreSQL 15 manual, 14.4 "Populating a Database")."""
    if session.get_bind().dialect.name == "postgresql":
        for statement in [f"ANALYZE {name}" for name in tables] or ["ANALYZE"]:
            session.execute(text(statement))


@contextmanager
def working_memory(session: Session, megabytes: int) -> Iterator[None]:
    """PostgreSQL's ``work_mem`` for the statements inside, then what it was: hash joins
    and aggregates over a whole wave fit in memory instead of spilling to temporary files
    (4 MB by default). Local to the transaction, so a failure leaves nothing behind."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    before = session.execute(text("SELECT current_setting('work_mem')")).scalar_one()
    session.execute(text("SELECT set_config('work_mem', :v, true)"), {"v": f"{megabytes}MB"})
    try:
        yield
    finally:
        session.execute(text("SELECT set_config('work_mem', :v, true)"), {"v": before})


def write_big(session: Session, statement: Executable, table_name: str) -> int:
    """``write``, then fresh statistics for ``table_name`` when the write was a bulk one."""
    written = write(session, statement)
    if written > BIG_BATCH:
        analyze(session, table_name)
    return written


class _CreateTempAs(Executable, ClauseElement):
    inherit_cache = False

    def __init__(self, name: str, query: Select[Any]) -> None:
        self.name, self.query = name, query


@compiles(_CreateTempAs)
def _create_temp_as(element: _CreateTempAs, compiler: SQLCompiler, **kw: Any) -> str:
    query = compiler.process(element.query, **kw)
    return f"CREATE TEMPORARY TABLE {element.name} AS {query}"


def stage(session: Session, name: str, query: Select[Any]) -> TableClause:
    """Materialise ``query`` as the temporary table ``name`` (replacing it) and return it.

    A bulk INSERT ... SELECT that reads its own target table (NOT EXISTS against the
    rows it writes) can be planned as a nested loop that re-reads every row written so
    far: quadratic. Selecting first into a temporary table cuts that loop, and gives
    the planner true row counts for the next statement.
    """
    drop(session, name)
    session.flush()
    connection = session.connection()
    connection.execute(_CreateTempAs(name, query))
    rows = connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
    if rows > BIG_BATCH:
        analyze(session, name)
    columns = [column(c.name, c.type) for c in query.selected_columns]
    return table(name, *columns)


def drop(session: Session, name: str) -> None:
    session.connection().execute(text(f"DROP TABLE IF EXISTS {name}"))
