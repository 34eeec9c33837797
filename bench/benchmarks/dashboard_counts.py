"""The dashboards from the daily counts the triggers keep (issue #17), on PostgreSQL with a
simulated wave's cases loaded (full: 600,000), against the same queries on the raw cases.

- figure: the service calls of one ``/surveillance`` view (disease list, epicurve,
  outlook with its nowcast, Rt, headline Rt, growth, cases by child), of the province
  and of the seed county, plus the overview's case figures and the county matrix; the
  median of ``REPEATS`` warm runs, summed.
- baseline: the same calls, the same SQL, read from a view over ``cases`` that has the
  aggregate's name and columns (schema ``raw``, first on the ``search_path``): a GROUP
  BY of the raw cases, as the dashboards read them before.
- load: COPY of the wave's cases (the demo loader's and the bulk import's path) with the
  triggers, and without them (dropped, then the counts rebuilt: the rebuild's time is
  reported too), alternating, the fastest of two runs each; ``--sqlite`` measures the
  same on SQLite (``executemany``, row-level triggers), without the dashboards.

Only persons and cases are loaded: the dashboards read nothing else. Needs
FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL; makes and drops its own
database. Run: ``python -m bench dashboard-counts [--scale small|full]`` or
``python -m bench.benchmarks.dashboard_counts --cases N``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

import pyarrow.compute as pc
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bench.benchmarks.response import postgres
from bench.machine import describe
from bench.registry import Measurement, timed
from fireline.auth.scope import Actor, system_actor
from fireline.db import bulk
from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.demo.jurisdictions import from_database
from fireline.demo.loader import prepare
from fireline.diseases import load_profiles
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.reports import service as overview
from fireline.reports.matrix.service import matrix_rows
from fireline.simulate import TABLES, Outbreak, simulate
from fireline.surveillance import service as cases_service
from fireline.surveillance.counts import triggers
from fireline.surveillance.trends import service as trends
from fireline.surveillance.trends.headline import headline_rt
from fireline.surveillance.trends.outlook import outlook

NAME = "dashboard-counts"
DESCRIPTION = "dashboards from case_daily_counts vs raw cases, COPY with/without triggers"
CASES = {"small": 20_000, "full": 600_000}
REPEATS = 5
PLACES = ("330000", "330102")  # the province and the seed county
DISEASE = "covid19"
COUNTED = ("confirmed", "probable")
Results = dict[str, object]
RAW_VIEW = (
    "CREATE VIEW raw.case_daily_counts AS SELECT jurisdiction_id, disease, date_reporting,"
    " coalesce(date_onset, date_reporting) AS day_onset, date_onset IS NOT NULL AS"
    " onset_known, classification, imported, 1 AS case_count FROM public.cases"
)


def _prepared(session: Session, outbreak: Outbreak) -> dict[str, Any]:
    """The wave's persons and cases as the demo loader writes them (fresh database)."""
    codes = dict(session.execute(text("SELECT code, id FROM jurisdictions")).tuples().all())
    now = datetime.combine(outbreak.as_of, clock(8), UTC)
    offsets = dict.fromkeys(TABLES, 0)
    # The cases' persons only (the wave's contacts are most of its persons).
    persons = outbreak.persons.filter(
        pc.is_in(outbreak.persons.column("id"), value_set=outbreak.cases.column("person_id"))
    )
    return {
        "persons": prepare("persons", persons, offsets, codes, now),
        "cases": prepare("cases", outbreak.cases, offsets, codes, now),
    }


def _write_cases(engine: Engine, cases: Any, *, with_triggers: bool) -> float:
    """Seconds to write every case in one transaction by the bulk writer (COPY on
    PostgreSQL, executemany on SQLite); the table is emptied first, untimed."""
    with engine.begin() as connection:
        triggers.drop(connection)
        if engine.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE cases CASCADE"))
        else:
            connection.execute(text("DELETE FROM cases"))
        connection.execute(text("DELETE FROM case_daily_counts"))
        if with_triggers:
            triggers.create(connection)
    with transaction(session_factory(engine)) as session:
        return timed(lambda: bulk.insert_rows(session, "cases", cases))


def _writes(engine: Engine, cases: int) -> tuple[date, dict[str, float]]:
    """Migrate, load the wave's persons, write its cases with and without the triggers
    (alternating, the faster of two each), and leave them counted."""
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
    with transaction(sessions) as session:
        outbreak = simulate(from_database(session), cases, seed=1, seed_county="330102")
        tables = _prepared(session, outbreak)
        bulk.insert_rows(session, "persons", tables["persons"])
    runs: dict[str, list[float]] = {"with": [], "without": []}
    for kind in ("without", "with", "without", "with"):
        runs[kind].append(_write_cases(engine, tables["cases"], with_triggers=kind == "with"))
    with engine.begin() as connection:
        rebuild_s = timed(lambda: triggers.rebuild(connection))
    load = {f"write_{k}_triggers_s": round(min(v), 2) for k, v in runs.items()}
    return outbreak.as_of, {**load, "rebuild_s": round(rebuild_s, 2)}


def _load(engine: Engine, cases: int) -> tuple[date, dict[str, float]]:
    end, load = _writes(engine, cases)
    with engine.begin() as connection:
        connection.execute(text("CREATE SCHEMA raw"))
        connection.execute(text(RAW_VIEW))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    return end, load


def sqlite_writes(cases: int) -> dict[str, float]:
    """The write side on SQLite (row-level triggers), in a temporary file."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/counts.db")
        try:
            return _writes(engine, cases)[1]
        finally:
            engine.dispose()


def _calls(session: Session, code: str, end: date) -> dict[str, Callable[[], object]]:
    actor = system_actor()
    here: Actor = actor.within(actor.jurisdiction(session, code))
    profiles = {DISEASE: load_profiles()[DISEASE]}
    start = end - timedelta(days=89)  # the dashboard's default period
    now = datetime.combine(end, clock(8), UTC)
    return {
        "diseases": lambda: cases_service.cases_by_disease(session, here),
        "epicurve": lambda: trends.epicurve(session, actor, code, DISEASE, start, end),
        "outlook": lambda: outlook(session, actor, code, DISEASE, end, profiles),
        "rt": lambda: trends.rt(session, actor, code, DISEASE, start, end, profiles),
        "headline": lambda: headline_rt(session, actor, code, DISEASE, end, profiles),
        "growth": lambda: trends.growth(session, actor, code, DISEASE, end, 14),
        "by_child": lambda: trends.cases_by_child(
            session, here, COUNTED, disease=DISEASE, reported=(start, end)
        ),
        "overview": lambda: (
            overview.mechanism_counts(session, actor, code, end),
            overview.child_counts(session, actor, code),
            overview.epicurve_rows(session, actor, code, end - timedelta(59), end, COUNTED),
        ),
        "matrix": lambda: matrix_rows(session, actor, code, DISEASE, end, now, profiles),
    }


def _time(session: Session, end: date, search_path: str) -> tuple[dict[str, float], Results]:
    """Milliseconds per call (median of warm runs) and what each call returned, per place."""
    session.execute(text(f"SET search_path = {search_path}"))
    times: dict[str, float] = {}
    results: Results = {}
    for code in PLACES:
        for name, call in _calls(session, code, end).items():
            results[f"{code}_{name}"] = call()
            runs = [timed(call) for _ in range(REPEATS)]
            times[f"{code}_{name}_ms"] = round(statistics.median(runs) * 1000, 1)
    return times, results


def measure(cases: int) -> Measurement:
    with postgres() as engine:
        began = time.perf_counter()
        end, load = _load(engine, cases)
        setup_s = time.perf_counter() - began
        # One session for both, so that both answers hold the same Jurisdiction records.
        with session_factory(engine, reading=True)() as session:
            rows = session.execute(text("SELECT count(*) FROM case_daily_counts")).scalar()
            raw, raw_results = _time(session, end, "raw, public")
            kept, kept_results = _time(session, end, "public")
    page = [k for k in kept if k.split("_", 1)[1] not in ("overview_ms", "matrix_ms")]
    detail = {
        "cases": cases,
        "count_rows": int(rows or 0),
        "setup_s": round(setup_s, 1),
        **load,
        # Calls whose answer from the counts is not the answer from the raw cases.
        "differ": sorted(k for k in kept_results if kept_results[k] != raw_results[k]),
        "dashboard_ms": {k: kept[k] for k in page},
        "dashboard_raw_ms": {k: raw[k] for k in page},
        "others_ms": {k: kept[k] for k in kept if k not in page},
        "others_raw_ms": {k: raw[k] for k in raw if k not in page},
    }
    figure, baseline = (sum(ms[k] for k in page) / 1000 for ms in (kept, raw))
    return Measurement(figure, "the same calls on the raw cases", baseline, detail)


def run(scale: str) -> Measurement:
    return measure(CASES[scale])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=CASES["small"])
    parser.add_argument("--sqlite", action="store_true", help="the write side on SQLite only")
    args = parser.parse_args()
    if args.sqlite:
        print(json.dumps({"cases": args.cases, **sqlite_writes(args.cases), "machine": describe()}))
    else:
        found = measure(args.cases)
        print(json.dumps({**found.as_dict(NAME, "custom"), "machine": describe()}))
