"""Venue exposures: 100 M check-ins (one province-day, Parquet) and 1,000 index cases.

The figure is the DuckDB engine finding every exposure and storing the proposals
(``store_proposals`` into a migrated SQLite file). Two baselines run in the same
process: a plain DuckDB scan of the four columns the job reads (the floor: the
job cannot beat reading its input), and a pandas merge of the same job on a
subset of the files (pandas holds everything in memory), against which DuckDB
runs on the same subset too. The check-ins are generated set-based by DuckDB
``range()`` into a temporary folder, before any clock starts, and deleted after.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.registry import Measurement, timed
from fireline.db.engine import make_engine
from fireline.db.migrate import upgrade
from fireline.tracing.venues import duckdb as engine
from fireline.tracing.venues.proposals import store_proposals
from fireline.tracing.venues.rules import ExposureRule, canonical_csv, index_table

NAME = "venues"
DESCRIPTION = "venue exposures of 1,000 cases in 100 M check-ins (DuckDB) vs a scan and pandas"
ROWS = {"small": 2_000_000, "full": 100_000_000}
CASES = {"small": 100, "full": 1_000}
FILES = {"small": 2, "full": 20}
PERSONS = 65_000_000  # the reference province
CHECK_INS_PER_VENUE = 100  # a busy venue-code place sees about this many visits a day
SUBSET_FILES = 2  # 10 M check-ins at full scale: pandas holds them in memory
REPEATS = 3  # the subset runs are short: best of three for both, against noise
DAY = datetime(2026, 11, 1, tzinfo=UTC)
MICROS = 1_000_000
RULE = ExposureRule(padding_minutes=15, min_overlap_minutes=5)

# hash() spreads each row's id over persons, venues and times; 15 % never check out.
GENERATE = """
COPY (
  SELECT (hash(i) % {persons})::BIGINT + 1 AS person_id,
         (hash(i + 1000000000000) % {venues})::BIGINT + 1 AS venue_id,
         make_timestamp({day} + (hash(i + 2000000000000) % 46800)::BIGINT * 1000000)
           ::TIMESTAMPTZ AS checked_in_at,
         CASE WHEN hash(i + 3000000000000) % 100 < 15 THEN NULL
              ELSE make_timestamp({day} + (hash(i + 2000000000000) % 46800)::BIGINT * 1000000
                   + (300 + hash(i + 4000000000000) % 8700)::BIGINT * 1000000)::TIMESTAMPTZ
         END AS checked_out_at
  FROM range({start}, {stop}) t(i)
) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
"""


def generate(folder: Path, rows: int, files: int) -> list[Path]:
    """``rows`` check-ins in ``files`` Parquet files; the first persons are the cases."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    paths = []
    venues = max(rows // CHECK_INS_PER_VENUE, 1)
    day = int(DAY.timestamp()) * MICROS
    step = rows // files
    for number in range(files):
        path = folder / f"check_ins_{number:03d}.parquet"
        con.execute(
            GENERATE.format(
                persons=PERSONS,
                venues=venues,
                day=day,
                path=path,
                start=number * step,
                stop=(number + 1) * step,
            )
        )
        paths.append(path)
    con.close()
    return paths


def index_cases(files: list[Path], cases: int) -> pa.Table:
    """``cases`` persons who did check in that day, infectious all day."""
    con = duckdb.connect()
    literal = engine.files_literal(files)
    found = con.execute(
        f"SELECT DISTINCT person_id FROM read_parquet({literal})"
        f" ORDER BY hash(person_id), person_id LIMIT {cases}"
    ).fetchall()
    con.close()
    start = int(DAY.timestamp()) * MICROS
    return index_table(
        [(n + 1, int(p), start, start + 86_400 * MICROS) for n, (p,) in enumerate(found)]
    )


def _visits_frame(files: list[Path], rule: ExposureRule) -> pd.DataFrame:
    """Visits as integer microseconds, the default stay applied (rounding unused here)."""
    table = pa.concat_tables([pq.read_table(f) for f in files])
    start = pc.cast(table.column("checked_in_at"), pa.int64())
    end = pc.cast(table.column("checked_out_at"), pa.int64())
    end = pc.coalesce(end, pc.add(start, pa.scalar(rule.stay_us)))
    return pa.table(
        {
            "person_id": table.column("person_id"),
            "venue_id": table.column("venue_id"),
            "s": start,
            "e": end,
        }
    ).to_pandas()


def pandas_exposures(files: list[Path], index: pa.Table, rule: ExposureRule) -> pd.DataFrame:
    """The same job with pandas merges: the baseline an analyst would write."""
    visits = _visits_frame(files, rule)
    cases = visits.merge(index.to_pandas(), on="person_id")
    cases = cases[(cases.s < cases.window_end_us) & (cases.e > cases.window_start_us)]
    cases = pd.DataFrame(
        {
            "case_id": cases.case_id,
            "case_p": cases.person_id,
            "venue_id": cases.venue_id,
            "cs": cases[["s", "window_start_us"]].max(axis=1) - rule.padding_us,
            "ce": cases[["e", "window_end_us"]].min(axis=1) + rule.padding_us,
        }
    )
    pairs = visits.merge(cases, on="venue_id")
    pairs = pairs[(pairs.s < pairs.ce) & (pairs.e > pairs.cs) & (pairs.person_id != pairs.case_p)]
    pairs = pairs.assign(os=pairs[["s", "cs"]].max(axis=1), oe=pairs[["e", "ce"]].min(axis=1))
    pairs = pairs.assign(ov=pairs.oe - pairs.os)
    pairs = pairs[pairs.ov >= rule.min_overlap_us]
    grouped = pairs.groupby(["case_id", "person_id", "venue_id"], as_index=False)
    return grouped.agg(
        exposure_start_us=("os", "min"),
        exposure_end_us=("oe", "max"),
        overlap_us=("ov", "max"),
        visits=("ov", "size"),
    )


def _proposals_db(folder: Path) -> Any:
    """A migrated SQLite file; the 65 M persons and the cases the proposals name are not
    materialised, so foreign keys are off on this benchmark's connection only."""
    db = make_engine(f"sqlite:///{folder / 'proposals.db'}")
    upgrade(db)
    return db


def _find_and_propose(files: list[Path], index: pa.Table, db: Any) -> dict[str, float]:
    began = time.perf_counter()
    exposures = engine.find_exposures(files, index, RULE)
    found_s = time.perf_counter() - began
    with db.connect() as connection:
        # Before any BEGIN: SQLite ignores this pragma inside a transaction.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        cases = {int(c): 1 for c in index.column("case_id").to_pylist()}
        rows = store_proposals(connection, exposures, cases, RULE, datetime.now(UTC))
        connection.commit()
    return {
        "exposures": exposures.num_rows,
        "proposed": len(rows),
        "find_s": round(found_s, 3),
        "store_s": round(time.perf_counter() - began - found_s, 3),
    }


def run(scale: str) -> Measurement:
    folder = Path(tempfile.mkdtemp(prefix="fireline-bench-venues-", dir=_roomy_dir()))
    try:
        return _measure(scale, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _roomy_dir() -> str:
    """The temp folder if it has room for the files (about 1.5 GB at full scale)."""
    return tempfile.gettempdir() if shutil.disk_usage(tempfile.gettempdir()).free > 8e9 else "."


def _measure(scale: str, folder: Path) -> Measurement:
    files: list[Path] = []
    generated = timed(lambda: files.extend(generate(folder, ROWS[scale], FILES[scale])))
    index = index_cases(files, CASES[scale])
    db = _proposals_db(folder)
    floor = timed(lambda: engine.scan(files))
    counts: dict[str, float] = {}
    figure = timed(lambda: counts.update(_find_and_propose(files, index, db)))
    subset = files[:SUBSET_FILES]
    duck_subset: list[pa.Table] = []
    duck_s = min(
        timed(lambda: duck_subset.append(engine.find_exposures(subset, index, RULE)))
        for _ in range(REPEATS)
    )
    frames: list[pd.DataFrame] = []
    pandas_s = min(
        timed(lambda: frames.append(pandas_exposures(subset, index, RULE))) for _ in range(REPEATS)
    )
    same = canonical_csv(duck_subset[0]) == canonical_csv(pa.Table.from_pandas(frames[0]))
    subset_rows = ROWS[scale] // FILES[scale] * min(SUBSET_FILES, FILES[scale])
    return Measurement(
        figure,
        "plain DuckDB scan of the 4 columns read (the floor)",
        floor,
        {
            "check_ins": ROWS[scale],
            "index_cases": index.num_rows,
            **counts,
            "generate_s": round(generated, 1),
            "files_mib": _mib(files),
            "subset_check_ins": subset_rows,
            "subset_duckdb_s": round(duck_s, 3),
            "subset_pandas_s": round(pandas_s, 3),
            "pandas_over_duckdb": round(pandas_s / duck_s, 1),
            "subset_results_identical": same,
        },
    )


def _mib(paths: list[Path]) -> int:
    return round(sum(p.stat().st_size for p in paths) / 2**20)
