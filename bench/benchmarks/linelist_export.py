"""The pseudonymised line list of N cases as CSV on PostgreSQL, against PostgreSQL's own
``COPY (SELECT …) TO STDOUT`` of the same columns, in the same run.

- figure: what ``GET /api/v1/exports/linelist?format=csv`` runs, in process: the plan
  (count, key, audit row) and the streamed CSV (keyset chunks of 5,000 cases joined to
  their persons and places, two HMAC-SHA256 pseudonyms and an age band per line), every
  piece consumed as a response would send it;
- baseline: ``COPY (SELECT <the same columns, joined the same way>) TO STDOUT (FORMAT
  csv)`` through psycopg, every piece consumed: no pseudonyms, no age bands, no Python;
- memory: the process's resident set sampled every 10 ms during the figure, its growth
  over the size before (the server's cost of one export, whatever N).

Cases and persons are generated with NumPy and written with COPY into the bundled
province's 90 counties. Target (issue #15): within 3x of COPY. Needs
FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL (makes and drops its own
database). Run: ``python -m bench linelist-export [--scale small|full]``.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine, select, text

from bench.benchmarks.followup import _copy, _csv
from bench.benchmarks.response import postgres
from bench.registry import Measurement
from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.db.engine import session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.exports import linelist, linelist_copy
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.places.models import Jurisdiction
from fireline.settings import Settings

NAME = "linelist-export"
DESCRIPTION = "pseudonymised CSV line list of N cases (full: 1,000,000) vs COPY TO STDOUT"
CASES = {"small": 100_000, "full": 1_000_000}
TARGET_RATIO = 3.0
NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
FIRST = date(2026, 9, 1)
COLUMNS = (
    "SELECT c.id, c.person_id, c.disease, c.classification, c.date_onset, c.date_reporting, "
    "c.date_confirmation, c.outcome, c.date_outcome, p.sex, p.birth_date, j.code, c.imported "
    "FROM cases c JOIN persons p ON p.id = c.person_id "
    "JOIN jurisdictions j ON j.id = c.jurisdiction_id ORDER BY c.id"
)


def load(engine: Engine, n: int) -> None:
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        counties = list(
            session.scalars(select(Jurisdiction.id).where(Jurisdiction.level == "county"))
        )
    rng = np.random.default_rng(15)
    ids = np.arange(1, n + 1)
    place = rng.choice(counties, n)
    births = np.datetime64("1940-01-01") + rng.integers(0, 30_000, n).astype("m8[D]")
    stamp = np.full(n, NOW.isoformat())
    _copy(
        engine,
        "persons",
        "id, name, national_id, sex, birth_date, phone, jurisdiction_id, version, "
        "created_at, updated_at",
        _csv(
            ids,
            np.char.add("Person ", ids.astype(str)),
            np.char.add("3301021980", ids.astype(str)),
            rng.choice(["male", "female"], n),
            births.astype(str),
            np.char.add("138", ids.astype(str)),
            place,
            np.ones(n, int),
            stamp,
            stamp,
        ),
    )
    reported = np.datetime64(FIRST) + rng.integers(0, 90, n).astype("m8[D]")
    onset = reported - rng.integers(0, 6, n).astype("m8[D]")
    _copy(
        engine,
        "cases",
        "id, person_id, disease, source, classification, date_onset, date_reporting, "
        "imported, jurisdiction_id, version, created_at, updated_at",
        _csv(
            ids,
            ids,
            np.full(n, "covid19"),
            np.full(n, "bench"),
            rng.choice(["confirmed", "probable", "suspected"], n, p=[0.7, 0.2, 0.1]),
            onset.astype(str),
            reported.astype(str),
            rng.random(n) < 0.05,
            place,
            np.ones(n, int),
            stamp,
            stamp,
        ),
    )
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def fireline(engine: Engine) -> tuple[int, int, int, float]:
    """Rows and bytes of the export, the resident set's growth during it, and the
    seconds of its plan (the count, the key and the audit row) before the first byte."""
    sessions = session_factory(engine)
    context = Context.build(system_actor(), Settings(), FrozenClock(NOW))
    before, peak, done = _rss(), [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.perf_counter()
    with transaction(sessions) as session:
        plan = linelist.plan(session, context, linelist.Ask("csv", "bench"))
    planned = time.perf_counter() - began
    size = 0
    for piece in linelist_copy.stream(sessions, plan):
        size += len(piece)
    done.set()
    sampler.join()
    return plan.rows, size, max(0, peak[0] - before), planned


def baseline(engine: Engine) -> int:
    size = 0
    with engine.connect() as connection:
        driver: Any = connection.connection.driver_connection
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY ({COLUMNS}) TO STDOUT (FORMAT csv)") as copy,
        ):
            for piece in copy:
                size += len(piece)
        driver.rollback()
    return size


def run(scale: str) -> Measurement:
    n = CASES[scale]
    with postgres() as engine:
        began = time.perf_counter()
        load(engine, n)
        loaded = time.perf_counter() - began
        baseline(engine)  # warm the cache once, as a running server would be
        figures, base, growth, plans = [], [], [], []
        for _ in range(3):
            began = time.perf_counter()
            rows, size, grew, planned = fireline(engine)
            figures.append(time.perf_counter() - began)
            growth.append(grew)
            plans.append(planned)
            began = time.perf_counter()
            copied = baseline(engine)
            base.append(time.perf_counter() - began)
        assert rows == n, (rows, n)
    figure, reference = min(figures), min(base)
    return Measurement(
        figure,
        "COPY (SELECT the same columns) TO STDOUT, CSV, through psycopg",
        reference,
        {
            "cases": n,
            "target_ratio": TARGET_RATIO,
            "csv_mb": round(size / 2**20, 1),
            "copy_mb": round(copied / 2**20, 1),
            "memory_growth_mb": round(max(growth) / 2**20, 1),
            "load_s": round(loaded, 1),
            "runs_s": [round(x, 3) for x in figures],
            "plan_runs_s": [round(x, 3) for x in plans],
            "baseline_runs_s": [round(x, 3) for x in base],
        },
    )
