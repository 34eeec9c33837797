"""Bulk day (issue #17): the response sweep after one city imports 100,000 confirmed cases
in one file, on PostgreSQL, with a wave already loaded and swept.

Set-up (untimed): a simulated wave (small: 20,000 cases; full: 600,000) is loaded and
swept at its load instant, its tasks are escalated 30 h later, and ``VACUUM ANALYZE``
leaves the tables as autovacuum leaves a running server: the steady state. Then:

- import (timed, reported): one CSV file of 100,000 new confirmed cases in the counties of
  one city, through ``surveillance.intake.batches.import_file`` (the CLI's and the
  upload's path: read, validate, match, write persons and cases) on the wall clock;
- figure: the first sweep after it (``response.service.sweep_in_steps``, one transaction
  per step as the worker runs it) at the wall clock: it opens the 100,000 responses,
  their index cases and their playbook tasks. Target: under 60 s;
- the first escalation of those tasks: the sweep 30 h later, when all are overdue;
- baseline: the rows that sweep wrote (responses, response_cases, response_tasks) written
  again by ``COPY`` into tables of the same shape and indexes (``LIKE ... INCLUDING ALL``,
  no foreign keys): the cost of storing the sweep's output with nothing to compute;
- dashboards: the overview's case counts (``reports.service.mechanism_counts``) are read
  from the tables, so they hold the import at its commit (asserted); the response boards
  (``all_lights``) hold it after the first sweep, at most one sweep period later.

The background's escalation runs at load + 30 h, before the import (its instants are the
wall clock, minutes after the load), so that the import's escalation counts the import's
own tasks; between those two sweeps the clock goes back, which no step depends on.
Needs FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL. Run
``python -m bench bulk-day [--scale small|full]``, or with another background
``python -m bench.benchmarks.bulk_day --background 100000``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bench.benchmarks.import_cases import generate, write_csv
from bench.benchmarks.response import _load, postgres
from bench.registry import Measurement
from fireline.auth.scope import system_actor
from fireline.context import Context
from fireline.db.engine import session_factory, transaction
from fireline.diseases import load_profiles
from fireline.diseases.schemas import DiseaseProfile
from fireline.reports.service import mechanism_counts
from fireline.response.lights import all_lights
from fireline.response.service import SweepSummary, sweep_in_steps
from fireline.response.settings import ResponseSettings
from fireline.settings import Settings
from fireline.surveillance.intake.batches import ImportOptions, import_file

NAME = "bulk-day"
DESCRIPTION = "the sweep after one city imports 100,000 confirmed cases in one file (PostgreSQL)"
BACKGROUND = {"small": 20_000, "full": 600_000}
IMPORTED = 100_000
CITY = "330100"  # Hangzhou: the bundled province's largest city
TARGET_S = 60.0
SWEPT_TABLES = ("responses", "response_cases", "response_tasks")


def city_counties(counties: dict[str, int], city: str) -> list[str]:
    """The county codes of ``city`` (six-digit division codes share the city's first four)."""
    found = sorted(code for code in counties if code[:4] == city[:4] and code != city)
    if not found:
        raise ValueError(f"no county of city {city} in the tree")
    return found


def confirmed(table: pa.Table) -> pa.Table:
    """The generated rows, every one confirmed (the import's bulk day is of confirmed cases)."""
    column = pa.array(np.full(table.num_rows, "confirmed", dtype=object), pa.string())
    where = table.schema.get_field_index("classification")
    return table.set_column(where, "classification", column)


@dataclass(frozen=True)
class Marks:
    """The highest id of each table the sweep writes, before it ran."""

    ids: dict[str, int]

    @classmethod
    def read(cls, engine: Engine) -> Marks:
        with engine.connect() as connection:
            return cls(
                {
                    name: int(connection.scalar(text(f"SELECT coalesce(max(id), 0) FROM {name}")))
                    for name in SWEPT_TABLES
                }
            )


def copy_baseline(engine: Engine, since: Marks) -> float:
    """Seconds to COPY the rows written after ``since`` into same-shaped, same-indexed
    tables (made and filled beforehand with nothing, dropped afterwards)."""
    blobs: dict[str, bytes] = {}
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        for name in SWEPT_TABLES:
            connection.execute(text(f"CREATE TABLE bench_{name} (LIKE {name} INCLUDING ALL)"))
            query = f"COPY (SELECT * FROM {name} WHERE id > {since.ids[name]}) TO STDOUT"
            with raw.cursor() as cursor, cursor.copy(query) as copy:
                blobs[name] = b"".join(bytes(chunk) for chunk in copy)
    began = time.perf_counter()
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        for name, data in blobs.items():
            with raw.cursor() as cursor, cursor.copy(f"COPY bench_{name} FROM STDIN") as copy:
                copy.write(data)
    seconds = time.perf_counter() - began
    with engine.begin() as connection:
        for name in SWEPT_TABLES:
            connection.execute(text(f"DROP TABLE bench_{name}"))
    return seconds


def _sweep(
    sessions: sessionmaker[Session],
    now: datetime,
    profiles: dict[str, DiseaseProfile],
    settings: ResponseSettings,
) -> tuple[SweepSummary, float]:
    began = time.perf_counter()
    summary = sweep_in_steps(
        lambda: transaction(sessions), now, profiles=profiles, settings=settings
    )
    return summary, time.perf_counter() - began


def _vacuum(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _confirmed_in(sessions: sessionmaker[Session], city: str, today: date) -> int:
    with sessions() as session:
        counts = mechanism_counts(session, system_actor(), city, today)
    return counts.cases_by_classification.get("confirmed", 0)


def _open_tasks(sessions: sessionmaker[Session], now: datetime, settings: ResponseSettings) -> int:
    with sessions() as session:
        return sum(count.tasks for count in all_lights(session, now, settings))


def _import(engine: Engine, folder: Path, rows: int, city: str) -> tuple[float, int]:
    """Import ``rows`` confirmed cases of ``city`` as one CSV file; (seconds, batch rows)."""
    with engine.connect() as connection:
        counties = {
            str(code): int(ident)
            for code, ident in connection.execute(
                text("SELECT code, id FROM jurisdictions WHERE level = 'county'")
            )
        }
    path = folder / "bulk_day.csv"
    write_csv(confirmed(generate(rows, city_counties(counties, city), seed=17)), path)
    began = time.perf_counter()
    with transaction(session_factory(engine)) as session:
        batch = import_file(
            session,
            Context.for_command(Settings()),
            filename=path.name,
            content=path.read_bytes(),
            options=ImportOptions(disease="covid19"),
        )
        assert batch.status == "committed", (batch.status, batch.bad_rows)
        created = batch.cases_created
    return time.perf_counter() - began, created


def measure(background: int, rows: int = IMPORTED, city: str = CITY) -> dict[str, Any]:
    settings = ResponseSettings(webhook_url=None)
    profiles = {"covid19": load_profiles()["covid19"]}
    with postgres() as engine, tempfile.TemporaryDirectory() as folder:
        loaded_rows, loaded, _, load_s = _load(engine, background)
        sessions = session_factory(engine)
        first, first_s = _sweep(sessions, loaded, profiles, settings)
        escalated, escalated_s = _sweep(sessions, loaded + timedelta(hours=30), profiles, settings)
        _vacuum(engine)
        today = datetime.now(UTC).date()
        steady, steady_s = _sweep(sessions, datetime.now(UTC), profiles, settings)
        before = _confirmed_in(sessions, city, today)
        marks = Marks.read(engine)
        import_s, created = _import(engine, Path(folder), rows, city)
        # The overview reads the tables: the import is on the dashboard at its commit.
        after = _confirmed_in(sessions, city, today)
        assert after - before == created == rows, (before, after, created)
        now = datetime.now(UTC)
        bulk, bulk_s = _sweep(sessions, now, profiles, settings)
        assert bulk.responses == rows, bulk
        open_tasks = _open_tasks(sessions, now, settings)
        copy_s = copy_baseline(engine, marks)
        overdue, overdue_s = _sweep(sessions, now + timedelta(hours=30), profiles, settings)
    return {
        "background_cases": background,
        "background_rows": loaded_rows,
        "background_load_s": round(load_s, 1),
        "background_first_sweep_s": round(first_s, 2),
        "background_first_sweep": first.__dict__,
        "background_escalation_s": round(escalated_s, 2),
        "background_escalations": escalated.escalations,
        "steady_sweep_s": round(steady_s, 3),
        "steady_sweep": steady.__dict__,
        "imported_cases": created,
        "import_s": round(import_s, 2),
        "dashboard_cases_after_import_s": 0.0,
        "confirmed_in_city_before_after": [before, after],
        "bulk_sweep_s": round(bulk_s, 2),
        "bulk_sweep": bulk.__dict__,
        "open_tasks_after": open_tasks,
        "copy_same_rows_s": round(copy_s, 2),
        "first_escalation_s": round(overdue_s, 2),
        "first_escalation": overdue.__dict__,
        "target_s": TARGET_S,
    }


def run(scale: str) -> Measurement:
    detail = measure(BACKGROUND[scale])
    return Measurement(
        detail["bulk_sweep_s"],
        "COPY of the rows that sweep wrote (responses, response_cases, response_tasks) into "
        "same-shaped tables with the same indexes",
        detail["copy_same_rows_s"],
        detail,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--background", type=int, default=BACKGROUND["small"])
    parser.add_argument("--rows", type=int, default=IMPORTED)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.background, args.rows), default=str), flush=True)


if __name__ == "__main__":
    main()
