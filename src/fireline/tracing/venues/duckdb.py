"""Venue exposures with DuckDB over Parquet check-in files, on one machine.

The job is two joins over the same files, each a scan that the index cases
restrict: the index cases' own visits inside their infectious windows
(``rules.case_visits_sql``: an equality join on the person), then everyone's
visits at the same venues that overlap them (``rules.exposures_sql``: an
equality join on the venue with the overlap as inequality predicates; DuckDB
builds its hash table on the few case visits and checks the inequalities per
candidate, which beats a pure IEJoin when the equality is this selective). Each
pass streams the files through a pushed-down filter; nothing of the hundred
million rows is materialised but the matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from fireline.tracing.venues.rules import (
    EXPOSURE_SCHEMA,
    ExposureRule,
    case_visits_sql,
    exposures_sql,
)


def files_literal(files: Sequence[str | Path]) -> str:
    """A DuckDB list literal of file paths or globs, quotes doubled."""
    quoted = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return f"[{quoted}]"


def _connect(threads: int | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _check_ins_where(
    con: duckdb.DuckDBPyConnection, files: Sequence[str | Path], column: str, values: list[int]
) -> None:
    """The ``check_ins`` view, limited to rows whose ``column`` is one of ``values``.

    The join's equality implies this filter, so results do not change; written as a
    constant IN list it is pushed into the Parquet reader, which then decodes the
    time columns only for matching rows: each pass costs about one plain scan.
    """
    listed = ", ".join(str(int(v)) for v in values) or "NULL"
    con.execute(
        "CREATE OR REPLACE TEMP VIEW check_ins AS"
        " SELECT person_id, venue_id, checked_in_at, checked_out_at"
        f" FROM read_parquet({files_literal(files)}) WHERE {column} IN ({listed})"
    )


def find_exposures(
    files: Sequence[str | Path],
    index_cases: pa.Table,
    rule: ExposureRule,
    *,
    threads: int | None = None,
) -> pa.Table:
    """Exposures (``EXPOSURE_SCHEMA``, sorted) of ``index_cases`` in the check-in ``files``."""
    con = _connect(threads)
    try:
        con.register("index_cases", index_cases)
        persons = sorted(set(index_cases.column("person_id").to_pylist()))
        _check_ins_where(con, files, "person_id", persons)
        con.execute(f"CREATE TEMP TABLE case_visits AS {case_visits_sql(rule, 'epoch_us')}")
        venues = [r[0] for r in con.execute("SELECT DISTINCT venue_id FROM case_visits").fetchall()]
        _check_ins_where(con, files, "venue_id", sorted(venues))
        result = con.execute(exposures_sql(rule, "epoch_us")).to_arrow_table()
    finally:
        con.close()
    return result.cast(EXPOSURE_SCHEMA)


def scan(files: Sequence[str | Path], *, threads: int | None = None) -> int:
    """A plain scan of the four columns the job reads: the floor of the job's time."""
    con = _connect(threads)
    try:
        row = con.execute(
            "SELECT count(*), sum(person_id), sum(venue_id), epoch_us(max(checked_in_at)),"
            f" epoch_us(max(checked_out_at)) FROM read_parquet({files_literal(files)})"
        ).fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0
