"""The daily situation report of the province on PostgreSQL with a simulated wave loaded
(full: 600,000 cases): generation time of its figures, HTML and PDF, against a baseline.

- figure: ``figures`` (every mechanism's figures, set-based) plus the Chinese PDF
  (WeasyPrint, charts drawn by vl-convert). Target: under 10 s at 600,000 cases.
- baseline: the same province figures gathered county by county (the report of each of
  the 90 counties' figures alone, no documents), what a report built by calling the
  county pages one at a time would cost.

Needs FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL; makes and drops its own
database. Run: ``python -m bench sitrep [--scale small|full]``; ``SITREP_BENCH_CASES``
overrides the number of cases. The load (simulation and ``load_outbreak``) is timed and
reported but is not one of the measured figures.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.benchmarks.response import _load, postgres
from bench.registry import Measurement, timed
from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.db.engine import session_factory, transaction
from fireline.diseases import load_profiles
from fireline.places.models import Jurisdiction
from fireline.reports.sitrep import figures, operations, render, service
from fireline.response.service import sweep
from fireline.response.settings import ResponseSettings
from fireline.settings import Settings
from fireline.surveillance.models import Case
from fireline.surveillance.trends.outlook import outlook

NAME = "sitrep"
DESCRIPTION = "province daily situation report: figures + PDF (full: 600,000 cases)"
CASES = {"small": 20_000, "full": 600_000}


def _parts(session: Session, context: Context, root: Jurisdiction, day: date) -> dict[str, float]:
    """Each part of the figures timed alone, to see where the time goes."""
    here = context.within(root)
    code = root.code
    work = {
        "totals": lambda: figures._totals(session, here, code, "covid19", day),
        "children": lambda: figures._children(session, here, "covid19", day),
        "outlook": lambda: outlook(session, here.actor, code, "covid19", day, here.profiles),
        "rt": lambda: figures._rt(session, here, code, "covid19", day),
        "growth": lambda: figures._growth(session, here, code, "covid19", day),
        "alerts": lambda: operations.alerts(session, here, root, day),
        "responses": lambda: operations.responses(session, here, root, day),
        "follow_up": lambda: operations.follow_up(session, here, root, day),
        "screening": lambda: operations.screening(session, here, day),
        "zones": lambda: operations.zones(session, here, root, day),
        "beds": lambda: operations.beds(session, here, root, day, "covid19"),
    }
    return {name: round(timed(call), 2) for name, call in work.items()}


def run(scale: str) -> Measurement:
    cases = int(os.environ.get("SITREP_BENCH_CASES") or CASES[scale])
    with postgres() as engine:
        load_s = _load(engine, cases)[3]
        sessions = session_factory(engine)
        with sessions() as session:
            # The report of the wave's busiest reporting day, read the next morning.
            per_day = select(Case.date_reporting, func.count().label("n"))
            busiest = per_day.group_by(Case.date_reporting).order_by(func.count().desc())
            report_day = session.execute(busiest.limit(1)).one()[0]
        # Responses and their tasks as the worker's sweep opens them, on that day, so that
        # the 7-1-7 table has rows to show (not part of the figure).
        profiles = {"covid19": load_profiles()["covid19"]}
        settings = ResponseSettings(webhook_url=None)
        noon = datetime.combine(report_day, time(4), UTC)  # 12:00 in Hangzhou
        with transaction(sessions) as session:
            sweep(session, noon, profiles=profiles, settings=settings)
        morning = datetime.combine(report_day + timedelta(days=1), time(1), UTC)
        clock = FrozenClock(morning)
        context = Context.build(system_actor(), Settings(), clock)
        with sessions() as session:
            root = session.scalars(select(Jurisdiction).where(Jurisdiction.depth == 0)).one()
            render.svg({"mark": "point", "data": {"values": [{}]}})  # vl-convert's start-up
            began = perf_counter()
            found = service.figures(session, context, root.code, report_day, "covid19")
            figures_s = perf_counter() - began
            parts = _parts(session, context, root, report_day)
            pdf_s = timed(lambda: render.pdf(found, "zh"))
            html_s = timed(lambda: render.html(found, "zh"))
            counties = session.scalars(
                select(Jurisdiction.code).where(Jurisdiction.level == "county")
            ).all()
            baseline = timed(
                lambda: [
                    service.figures(session, context, code, report_day, "covid19")
                    for code in counties
                ]
            )
    detail = {
        "cases": cases,
        "load_s": round(load_s, 1),
        "figures_s": round(figures_s, 2),
        "pdf_s": round(pdf_s, 2),
        "html_s": round(html_s, 2),
        "new_cases": found.sitrep.new_cases,
        "cumulative_cases": found.sitrep.cumulative_cases,
        "target_s": 10.0,
        "parts_s": parts,
    }
    return Measurement(
        figures_s + pdf_s, "the figures of the 90 counties, one report at a time", baseline, detail
    )
