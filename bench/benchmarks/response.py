"""Traffic lights and escalations of every open task, and the county league table, on
PostgreSQL with a simulated wave loaded (full: 600,000 cases), each against a baseline.

- lights: ``all_lights`` (lights and escalation steps of every open task, counted per
  owner, one GROUP BY) plus ``escalate`` in its steady state (one INSERT ... SELECT per
  step, nothing new), against the per-task Python version: fetch every open task and
  compute its light, its step and whether a notification is due, task by task.
  Target: under 2 s.
- league: ``league_table`` of the 90 counties of the province for one week (one grouped
  query per indicator), against the same queries run county by county. Target: under 1 s.

The steady state is measured after ``VACUUM ANALYZE`` of the task tables, as autovacuum
leaves them on a running server. Responses open at load time (bulk-loaded cases carry
the load instant), so lights are measured 30 h later, when every task still open is red
and escalated: the worst case.
Needs FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL; makes and drops its
own database. Run: ``python -m bench response [--scale small|full]``. The load (simulation and
``load_outbreak``) is timed and reported but is not one of the measured figures.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.registry import Measurement, timed
from fireline.auth.scope import system_actor
from fireline.db.engine import make_engine, normalise_url, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.demo.jurisdictions import from_database
from fireline.demo.loader import load_outbreak
from fireline.diseases import load_profiles
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.places.models import Jurisdiction
from fireline.response.league import league_table as league
from fireline.response.league import period_counts
from fireline.response.lights import Cutoffs, all_lights, utc
from fireline.response.models import ResponseNotification, ResponseTask
from fireline.response.notify import escalate
from fireline.response.service import sweep
from fireline.response.settings import ResponseSettings
from fireline.simulate import simulate

NAME = "response"
DESCRIPTION = "lights + escalations of all open tasks, 90-county league (full: 600,000 cases)"
CASES = {"small": 20_000, "full": 600_000}


@contextmanager
def postgres() -> Iterator[Engine]:
    url = os.environ.get("FIRELINE_BENCH_POSTGRES_URL") or os.environ.get(
        "FIRELINE_TEST_POSTGRES_URL"
    )
    if not url:
        raise SystemExit("set FIRELINE_BENCH_POSTGRES_URL (or FIRELINE_TEST_POSTGRES_URL)")
    admin_url = make_url(normalise_url(url))
    name = f"fireline_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _load(engine: Engine, cases: int) -> tuple[dict[str, int], datetime, Any, float]:
    """Migrate, import the province, simulate and load the wave; returns the load's seconds."""
    began = time.perf_counter()
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
    with transaction(sessions) as session:
        outbreak = simulate(from_database(session), cases, seed=1, seed_county="330102")
        rows = load_outbreak(session, outbreak)
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    return rows, datetime.now(UTC), outbreak.as_of, time.perf_counter() - began


def _python_lights(session: Session, now: datetime, settings: ResponseSettings) -> Counter[Any]:
    """The baseline: every open task fetched and judged one by one in Python."""
    cuts = Cutoffs.at(now, settings)
    notified = set(session.execute(select(ResponseNotification.task_id, ResponseNotification.step)))
    task = ResponseTask
    rows = session.execute(
        select(
            task.id, task.owner_id, task.parent_id, task.grandparent_id, task.due_at, task.yellow_at
        ).where(task.status == "open")
    )
    counts: Counter[Any] = Counter()
    for task_id, owner, parent, grandparent, due, yellow in rows:
        due, yellow = utc(due), utc(yellow)
        light = "red" if due <= cuts.now else "yellow" if yellow <= cuts.now else "green"
        step = (
            2
            if grandparent and due <= cuts.grandparent
            else 1
            if parent and due <= cuts.parent
            else 0
        )
        due_steps = [s for s in (1, 2) if s <= step and (task_id, s) not in notified]
        counts[(owner, light, step)] += 1
        counts["new"] += len(due_steps)
    return counts


def _set_based(session: Session, now: datetime, settings: ResponseSettings) -> int:
    all_lights(session, now, settings)
    return escalate(session, now, settings)


def _counties_one_by_one(session: Session, start: Any, end: Any, now: datetime) -> None:
    """The league baseline: the same grouped queries, run for one county at a time."""
    for county in session.scalars(select(Jurisdiction).where(Jurisdiction.level == "county")):
        period_counts(session, county, start, end, now, "county")


def run(scale: str) -> Measurement:
    cases, settings = CASES[scale], ResponseSettings(webhook_url=None)
    with postgres() as engine:
        rows, loaded, as_of, load_s = _load(engine, cases)
        sessions = session_factory(engine)
        profiles = {"covid19": load_profiles()["covid19"]}
        with transaction(sessions) as session:
            sweep_s = timed(lambda: sweep(session, loaded, profiles=profiles, settings=settings))
        later = loaded + timedelta(hours=30)
        with transaction(sessions) as session:
            first_s = timed(lambda: escalate(session, later, settings))
        # What autovacuum does to a running server's tables after such a burst of writes
        # (visibility map and statistics); the lights then come from the index alone.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE response_tasks, response_notifications"))
        with sessions() as session:
            open_tasks = session.scalar(
                text("SELECT count(*) FROM response_tasks WHERE status = 'open'")
            )
            figure = min(timed(lambda: _set_based(session, later, settings)) for _ in range(3))
            baseline = timed(lambda: _python_lights(session, later, settings))
            province = session.scalars(select(Jurisdiction).where(Jurisdiction.depth == 0)).one()
            start = as_of - timedelta(days=6)
            league_s = min(
                timed(lambda: league(session, province, start, as_of, later, 0.8, "county"))
                for _ in range(3)
            )
            per_county_s = timed(lambda: _counties_one_by_one(session, start, as_of, later))
    detail = {
        "cases": cases,
        "rows": rows,
        "open_tasks": int(open_tasks or 0),
        "load_s": round(load_s, 1),
        "sweep_open_s": round(sweep_s, 2),
        "first_escalation_s": round(first_s, 2),
        "league_90_counties_s": round(league_s, 3),
        "league_baseline_per_county_s": round(per_county_s, 3),
        "league_ratio": round(league_s / per_county_s, 3),
        "target_lights_s": 2.0,
        "target_league_s": 1.0,
    }
    return Measurement(
        figure, "every open task fetched and judged one by one in Python", baseline, detail
    )
