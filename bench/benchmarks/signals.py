"""The daily signal computation with Farrington (flexible) on five years of weekly
history in every county, against the same run with EARS only (the run before issue #15).

- figure: ``compute_alarms`` with the default methods (EARS C2, C3 and Farrington) on
  the bundled Zhejiang tree (90 counties, 102 jurisdictions), best of 3;
- baseline: ``compute_alarms`` with EARS C2 and C3 only, on the same database.

Cases: per county and disease, Poisson counts a day with a level drawn in 0.1-1 and a
yearly season (amplitude 50 %), over 5 years and 60 days to the run day; a fifth of
the counties get an outbreak (5 more a day) in the last complete week. Written to a
temporary SQLite file with ``executemany``. Target (issue #15): a few seconds.
Run: ``python -m bench signals [--scale small|full]`` (small: 2 diseases, full: 5).
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, select

from bench.registry import Measurement
from fireline.auth.scope import system_actor
from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.signals.service import SignalOptions, compute_alarms

NAME = "signals"
DESCRIPTION = "daily signals with Farrington on 5 years x 90 counties vs EARS only"
DISEASES = {"small": 2, "full": 5}
RUN_DAY = date(2026, 12, 7)  # a Monday: the last complete ISO week ends on 6 December
DAYS = 5 * 365 + 60


def _load(engine: Engine, diseases: int) -> int:
    """Cases for ``diseases`` diseases in every county; returns the number of cases."""
    upgrade(engine)
    sessions = session_factory(engine)
    rng = np.random.default_rng(15)
    first = RUN_DAY - timedelta(days=DAYS - 1)
    days = [(first + timedelta(days=i)).isoformat() for i in range(DAYS)]
    season = 1 + 0.5 * np.sin(np.arange(DAYS) * 2 * np.pi / 365)
    total = 0
    with transaction(sessions) as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        counties = list(
            session.scalars(select(Jurisdiction.id).where(Jurisdiction.level == "county"))
        )
        people = [Person(jurisdiction_id=c, name="bench") for c in counties]
        session.add_all(people)
        session.flush()
        rows = []
        for d in range(diseases):
            for county, person in zip(counties, people, strict=True):
                n = rng.poisson(rng.uniform(0.1, 1.0) * season)
                if rng.random() < 0.2:
                    n[-8:-1] += 5
                rows += [
                    (person.id, f"disease{d}", days[i], county)
                    for i in np.repeat(np.arange(DAYS), n)
                ]
        session.connection().exec_driver_sql(
            "INSERT INTO cases (person_id, disease, source, classification, date_reporting,"
            " imported, jurisdiction_id, version, created_at, updated_at) VALUES"
            " (?, ?, 'bench', 'confirmed', ?, 0, ?, 1, '2026-12-07', '2026-12-07')",
            rows,
        )
        total = len(rows)
    return total


def _best(engine: Engine, options: SignalOptions) -> tuple[float, int, int]:
    sessions = session_factory(engine)
    times, alarms, weekly = [], 0, 0
    for _ in range(3):
        with sessions() as session:
            began = time.perf_counter()
            found = compute_alarms(session, RUN_DAY, options)
            times.append(time.perf_counter() - began)
        alarms = sum(len(a) for _, a in found.by_disease)
        weekly = found.farrington_series
    return min(times), alarms, weekly


def run(scale: str) -> Measurement:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'signals.db'}")
        cases = _load(engine, DISEASES[scale])
        figure, alarms, weekly = _best(engine, SignalOptions())
        baseline, ears_alarms, _ = _best(engine, SignalOptions(methods=("ears-c2", "ears-c3")))
        engine.dispose()
    return Measurement(
        figure_s=figure,
        baseline="the same run with EARS C2 and C3 only",
        baseline_s=baseline,
        detail={
            "cases": cases,
            "diseases": DISEASES[scale],
            "weekly_series": weekly,
            "alarms": alarms,
            "farrington_alarms": alarms - ears_alarms,
        },
    )
