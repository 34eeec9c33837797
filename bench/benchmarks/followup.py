"""Today's follow-up list and every flag over N active quarantine orders (full: 1,000,000)
on PostgreSQL, against a per-order Python baseline in the same run.

- figure: ``duelist.summary_by_owner`` (for every active order: must be contacted, due a
  test, non-reporting, symptomatic; counted per jurisdiction and investigator in one
  grouped statement) plus the first page (50 rows) of a county's flagged list, joined
  to the persons, most urgent first, as the page shows it;
- baseline: the same figures computed order by order in Python over the rows fetched
  from the same table (the column values the flags need, nothing more).

Orders and persons are generated with NumPy and written with COPY: 90 counties, a tenth
of the orders assigned to one of 200 investigators, last exposures over the past 9 days,
COVID-19 close-contact test days, reports in the last day for 70 %, 2 % symptomatic.
Target (issue #7): under 1 s on PostgreSQL on 2 cores. Needs FIRELINE_BENCH_POSTGRES_URL
or FIRELINE_TEST_POSTGRES_URL (makes and drops its own database).
Run: ``python -m bench followup [--scale small|full]``.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine, select, text

from bench.registry import Measurement
from bench.response import postgres
from fireline.auth.models import User
from fireline.auth.scope import system_actor
from fireline.db.engine import session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.places.models import Jurisdiction
from fireline.quarantine import duelist
from fireline.quarantine.models import QuarantineOrder as Q
from fireline.quarantine.plans import test_mask

NAME = "followup"
DESCRIPTION = "due list + flags of N active quarantine orders (full: 1,000,000) vs per-order Python"
ORDERS = {"small": 100_000, "full": 1_000_000}
TARGET_S = 1.0
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
MASK = test_mask([1, 2, 3, 5, 7, 10])


def _copy(engine: Engine, table: str, columns: str, lines: io.StringIO) -> None:
    with engine.connect() as connection:
        driver: Any = connection.connection.driver_connection
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy,
        ):
            copy.write(lines.getvalue())
        driver.commit()


def _csv(*columns: Any) -> io.StringIO:
    out = io.StringIO()
    np.savetxt(out, np.column_stack(columns), fmt="%s", delimiter=",")
    return out


def load(engine: Engine, n: int) -> int:
    """Persons and active orders; returns the id of the busiest county."""
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        counties = list(
            session.scalars(select(Jurisdiction.id).where(Jurisdiction.level == "county"))
        )
        tracers = [
            User(
                username=f"tracer{i}",
                password_hash="x",
                role="investigator",
                jurisdiction_id=counties[0],
            )
            for i in range(200)
        ]
        session.add_all(tracers)
        session.flush()
        users = [u.id for u in tracers]
    rng = np.random.default_rng(7)
    ids = np.arange(1, n + 1)
    place = rng.choice(counties, n)
    _copy(
        engine,
        "persons",
        "id, name, jurisdiction_id, version, created_at, updated_at",
        _csv(
            ids,
            np.char.add("P", ids.astype(str)),
            place,
            np.ones(n, int),
            np.full(n, NOW.isoformat()),
            np.full(n, NOW.isoformat()),
        ),
    )
    last = np.array([TODAY - timedelta(days=int(d)) for d in rng.integers(0, 9, n)])
    reported = rng.random(n) < 0.7
    report_at = np.where(reported, (NOW - timedelta(hours=3)).isoformat(), "")
    report_on = np.where(reported, TODAY.isoformat(), "")
    assignee = np.where(rng.random(n) < 0.1, rng.choice(users, n).astype(str), "")
    _copy(
        engine,
        "quarantine_orders",
        "id, person_id, kind, status, start_date, end_date, purpose, source, disease, category, "
        "last_exposure, test_mask, last_report_at, last_report_on, last_report_symptomatic, "
        "assignee_id, jurisdiction_id, version, created_at, updated_at",
        _csv(
            ids,
            ids,
            np.full(n, "home"),
            np.full(n, "active"),
            last,
            [d + timedelta(days=10) for d in last],
            np.full(n, "quarantine"),
            np.full(n, "contact"),
            np.full(n, "covid19"),
            np.full(n, "close"),
            last,
            np.full(n, MASK),
            report_at,
            report_on,
            rng.random(n) < 0.02,
            assignee,
            place,
            np.ones(n, int),
            np.full(n, (NOW - timedelta(days=2)).isoformat()),
            np.full(n, NOW.isoformat()),
        ),
    )
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    return int(Counter(place.tolist()).most_common(1)[0][0])


def fireline(engine: Engine, county: int) -> tuple[int, int]:
    sessions = session_factory(engine)
    with sessions() as session:
        f = duelist.flags(TODAY, NOW, 24)
        owners = duelist.summary_by_owner(session, system_actor(), f)
        place = session.get_one(Jurisdiction, county)
        rows, _ = duelist.due_rows(
            session, system_actor(), place, f, which="flagged", assignee_id=None, limit=50, offset=0
        )
        session.rollback()  # the audit line of the read is not the benchmark's business
    return sum(int(r[2]) for r in owners), len(rows)


def baseline(engine: Engine) -> tuple[int, int]:
    """Per order in Python: fetch the columns, decide each flag, count per owner."""
    counts: Counter[Any] = Counter()
    cutoff = NOW - timedelta(hours=24)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                Q.jurisdiction_id,
                Q.assignee_id,
                Q.start_date,
                Q.end_date,
                Q.last_exposure,
                Q.test_mask,
                Q.last_report_at,
                Q.last_report_on,
                Q.last_report_symptomatic,
                Q.created_at,
            ).where(Q.status == "active")
        )
        for place, who, start, end, last, mask, at, on, sick, created in rows:
            if not start <= TODAY <= end:
                continue
            key = (place, who)
            counts[key, "active"] += 1
            counts[key, "contact"] += on != TODAY
            day = (TODAY - last).days if last else -1
            counts[key, "test"] += 0 <= day <= 62 and bool(mask >> day & 1)
            counts[key, "silent"] += (at or created) < cutoff
            counts[key, "sick"] += bool(sick)
    return sum(v for (_, kind), v in counts.items() if kind == "active"), 0


def run(scale: str) -> Measurement:
    n = ORDERS[scale]
    with postgres() as engine:
        began = time.perf_counter()
        county = load(engine, n)
        loaded = time.perf_counter() - began
        fireline(engine, county)  # warm the cache once, as a running server would be
        figures, base = [], []
        for _ in range(3):
            began = time.perf_counter()
            active, page = fireline(engine, county)
            figures.append(time.perf_counter() - began)
            began = time.perf_counter()
            counted, _ = baseline(engine)
            base.append(time.perf_counter() - began)
        assert active == counted == n, (active, counted, n)
    figure, reference = min(figures), min(base)
    return Measurement(
        figure,
        "per-order Python over the fetched active orders",
        reference,
        {
            "orders": n,
            "page_rows": page,
            "target_s": TARGET_S,
            "load_s": round(loaded, 1),
            "runs_s": [round(x, 3) for x in figures],
            "baseline_runs_s": [round(x, 3) for x in base],
        },
    )
