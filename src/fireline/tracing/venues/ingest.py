"""Import a check-in log (CSV or Parquet) into the database, all rows or none.

Columns: ``person_id``, ``venue_code``, ``checked_in_at``, optional
``checked_out_at`` and ``timezone``. Times are ISO 8601 (``2026-11-01 09:30``,
``2026-11-01T09:30:00+08:00``, ``...Z``). A time without an offset is read in
the row's ``timezone`` if given, else in the time zone of the venue's
jurisdiction (docs/architecture.md, "Time"; in a daylight-saving gap or fold, DuckDB's ICU
picks the first reading). Every bad line is reported with its number (CSV: the
header is line 1; Parquet: row 1 is the first record) and nothing is stored.

Validation is set-based: the log is an Arrow table and one DuckDB query parses
and checks every row; Python only words the messages of the bad rows.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from pathlib import PurePath

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import Problem
from fireline.interop.tables import ReadError, read_table
from fireline.people.models import Person
from fireline.places.models import Jurisdiction, Venue
from fireline.tracing.venues.models import CheckIn
from fireline.tracing.venues.proposals import chunks
from fireline.tracing.venues.rules import columns_of

REQUIRED = ("person_id", "venue_code", "checked_in_at")
OPTIONAL = ("checked_out_at", "timezone")
MAX_REPORTED = 1000
# The local part, then an optional UTC offset (Z, +08, +0800, +08:00).
TIME_PATTERN = (
    r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


class CheckInLogError(Problem):
    """The log was refused; ``errors`` lists every bad line."""

    def __init__(self, errors: list[dict[str, object]], detail: str | None = None) -> None:
        super().__init__(
            422,
            detail or f"the check-in log has {len(errors)} bad lines; nothing was imported",
            errors=errors[:MAX_REPORTED],
        )
        self.errors = errors


@dataclass(frozen=True)
class ImportReport:
    rows: int


def read_log(data: bytes, filename: str) -> tuple[pa.Table, list[dict[str, object]]]:
    """The log as text columns plus a ``line`` column, and the lines that could not be read."""
    if PurePath(filename).suffix.lower() == ".parquet":
        table = pq.read_table(pa.BufferReader(data))
        text = pa.table([c.cast(pa.string()) for c in table.columns], names=table.column_names)
        lines = np.arange(1, text.num_rows + 1, dtype=np.int64)
        return text.append_column("line", pa.array(lines)), []
    try:
        read = read_table(data, filename)
    except (ReadError, UnicodeDecodeError) as exc:
        raise CheckInLogError([], str(exc)) from exc
    problems: list[dict[str, object]] = [
        {"line": p.line, "message": p.message} for p in read.problems
    ]
    return read.table.append_column("line", pa.array(read.lines)), problems


def _headers(table: pa.Table) -> pa.Table:
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise CheckInLogError([], f"the log has no column {', '.join(missing)}")
    for name in OPTIONAL:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, pa.string()))
    return table.select([*REQUIRED, *OPTIONAL, "line"])


def _venues(session: Session, actor: Actor) -> pa.Table:
    """Venues the actor may log visits for, with their jurisdiction's time zone."""
    statement = actor.restrict(
        select(Venue.code, Venue.id, Venue.jurisdiction_id, Jurisdiction.timezone).join(
            Jurisdiction, Jurisdiction.id == Venue.jurisdiction_id
        ),
        Venue,
    )
    rows = session.execute(statement).all()
    columns = columns_of(rows, 4)
    names = ["code", "venue_id", "jurisdiction_id", "zone"]
    types = [pa.string(), pa.int64(), pa.int64(), pa.string()]
    return pa.table([pa.array(c, t) for c, t in zip(columns, types, strict=True)], names=names)


def _known_persons(session: Session, actor: Actor, ids: list[int]) -> pa.Table:
    """The ids of persons in the actor's subtree: one elsewhere is "not known", as a
    nonexistent id is (OWASP API Security Top 10 2023, API1)."""
    found: list[int] = []
    for part in chunks(ids):
        statement = actor.restrict(select(Person.id).where(Person.id.in_(part)), Person)
        found += session.scalars(statement).all()
    return pa.table({"person_id": pa.array(found, pa.int64())})


PARSE = """
SELECT l.line, TRY_CAST(l.person_id AS BIGINT) AS person, l.person_id AS person_text,
       l.venue_code, v.venue_id, v.jurisdiction_id,
       COALESCE(l.timezone, v.zone) AS zone, z.name IS NOT NULL AS zone_ok,
       CASE WHEN z.name IS NULL THEN 'UTC' ELSE z.name END AS safe_zone,
       l.checked_in_at AS in_text, l.checked_out_at AS out_text
FROM log l LEFT JOIN venues v ON v.code = l.venue_code
LEFT JOIN zones z ON z.name = COALESCE(l.timezone, v.zone)
"""

CHECK = """
WITH t AS (
  SELECT p.*, k.person_id IS NOT NULL AS known,
         {instant_in} AS s, {instant_out} AS e
  FROM parsed p LEFT JOIN persons k ON k.person_id = p.person
)
SELECT *, (person IS NULL OR NOT known OR venue_id IS NULL OR NOT zone_ok
           OR s IS NULL OR (out_text IS NOT NULL AND e IS NULL) OR e < s) AS bad
FROM t
"""


def instant_sql(column: str) -> str:
    """Epoch microseconds of a text time: its own offset, else the row's zone."""
    local = f"regexp_extract({column}, '{TIME_PATTERN}', 1)"
    offset = f"regexp_extract({column}, '{TIME_PATTERN}', 2)"
    return (
        f"CASE WHEN {column} IS NULL OR NOT regexp_matches({column}, '{TIME_PATTERN}') THEN NULL"
        f" WHEN {offset} <> '' THEN epoch_us(TRY_CAST({column} AS TIMESTAMPTZ))"
        f" ELSE epoch_us(timezone(safe_zone, TRY_CAST({local} AS TIMESTAMP))) END"
    )


def _messages(row: dict[str, object]) -> list[str]:
    found = []
    if row["person"] is None:
        found.append(f"person_id {row['person_text']!r} is not a whole number")
    elif not row["known"]:
        found.append(f"person {row['person']} is not known")
    if row["venue_id"] is None:
        found.append(f"venue {row['venue_code']!r} is not known in your jurisdiction")
    if not row["zone_ok"] and row["zone"] is not None:
        found.append(f"time zone {row['zone']!r} is not a valid IANA zone")
    if row["s"] is None:
        found.append(f"checked_in_at {row['in_text']!r} is not an ISO 8601 date and time")
    if row["out_text"] is not None and row["e"] is None:
        found.append(f"checked_out_at {row['out_text']!r} is not an ISO 8601 date and time")
    if row["e"] is not None and row["s"] is not None and row["e"] < row["s"]:  # type: ignore[operator]
        found.append("checked_out_at is before checked_in_at")
    return found


def _validate(session: Session, actor: Actor, log: pa.Table) -> pa.Table:
    """Every row parsed and checked, with a ``bad`` flag, in one DuckDB run."""
    con = duckdb.connect()
    try:
        con.register("log", log)
        con.register("venues", _venues(session, actor))
        zones = sorted(zoneinfo.available_timezones())
        con.register("zones", pa.table({"name": pa.array(zones, pa.string())}))
        con.execute(f"CREATE TEMP TABLE parsed AS {PARSE}")
        ids = con.execute("SELECT DISTINCT person FROM parsed WHERE person IS NOT NULL").fetchall()
        con.register("persons", _known_persons(session, actor, sorted(int(r[0]) for r in ids)))
        check = CHECK.format(instant_in=instant_sql("in_text"), instant_out=instant_sql("out_text"))
        return con.execute(f"{check} ORDER BY line").to_arrow_table()
    finally:
        con.close()


def _problems(checked: pa.Table) -> list[dict[str, object]]:
    bad = checked.filter(checked.column("bad"))
    return [{"line": row["line"], "message": "; ".join(_messages(row))} for row in bad.to_pylist()]


def import_check_ins(session: Session, actor: Actor, data: bytes, filename: str) -> ImportReport:
    """Validate the whole log, then store it in one statement; any bad line refuses it all."""
    actor.require("cases:write")
    log, problems = read_log(data, filename)
    checked = _validate(session, actor, _headers(log))
    problems = sorted(problems + _problems(checked), key=lambda p: int(str(p["line"])))
    if problems:
        raise CheckInLogError(problems)
    if checked.num_rows == 0:
        raise CheckInLogError([], "the check-in log has no rows")
    instant = pa.timestamp("us", tz="UTC")
    rows = pa.table(
        {
            "jurisdiction_id": checked.column("jurisdiction_id"),
            "venue_id": checked.column("venue_id"),
            "person_id": checked.column("person"),
            "checked_in_at": checked.column("s").cast(instant),
            "checked_out_at": checked.column("e").cast(instant),
        }
    ).to_pylist()
    session.execute(insert(CheckIn), rows)
    audit.record(session, actor, "import", "check_ins", (), rows=len(rows), file=filename)
    return ImportReport(len(rows))
