"""``load_demo``: the bundled province, one login per role, and an outbreak ending today."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pyarrow as pa
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fireline.auth.models import User
from fireline.auth.roles import ROLE_NAMES
from fireline.auth.scope import system_actor
from fireline.auth.service import create_user
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.db.indexes import deferred
from fireline.db.sqlfn import analyze
from fireline.demo import jurisdictions
from fireline.demo.loader import Progress, load_tables
from fireline.demo.quarantine import add_isolation_care_zones
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.response.demo import open_demo_responses
from fireline.response.settings import ResponseSettings
from fireline.settings import Settings
from fireline.simulate import TABLES, Outbreak, simulate
from fireline.surveillance.signals.service import run_signals
from fireline.tables import Base
from fireline.testing.demo import add_screening
from fireline.tracing.demo import add_interviews
from fireline.tracing.venues.demo import propose_demo_exposures

PASSWORD = "fireline-demo"
SEED_COUNTY = "330102"  # Shangcheng District, Hangzhou
SIGNAL_DAYS = 14
KEPT_TABLES = frozenset({"jurisdictions", "alembic_version"})


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    jurisdiction: str  # code
    password: str = PASSWORD


@dataclass
class DemoReport:
    loaded: bool  # False: the demo was there already and nothing was done
    logins: list[DemoLogin]
    rows: dict[str, int] = field(default_factory=dict)
    start: date | None = None
    as_of: date | None = None


def demo_logins() -> list[DemoLogin]:
    """``admin`` for the province, then every role for Hangzhou and for Shangcheng."""
    logins = [DemoLogin("admin", "admin", "330000")]
    for prefix, code in (("hangzhou", "330100"), ("shangcheng", SEED_COUNTY)):
        logins.extend(DemoLogin(f"{prefix}-{role}", role, code) for role in ROLE_NAMES)
    return logins


def is_loaded(session: Session) -> bool:
    return session.scalar(select(User.id).where(User.username == "admin")) is not None


def empty_data_tables(session: Session) -> None:
    """Delete every row of every table but the jurisdictions, children before parents."""
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEPT_TABLES:
            session.execute(delete(table))


def demo_context(today: date, settings: Settings | None = None) -> Context:
    """The system's context on ``today`` at 16:00 in the province: a demo (or a test)
    as of a fixed day, on a clock that stands still."""
    clock = FrozenClock(datetime.combine(today, time(8), UTC))
    return Context.for_system(settings or Settings(), clock)


def load_demo(
    session: Session,
    context: Context,
    *,
    cases: int = 3000,
    seed: int = 1,
    reset: bool = False,
    progress: Progress | None = None,
) -> DemoReport:
    """Load the demo once; a second call reports it is there and does nothing.

    Everything is dated by ``context``'s clock, the one the server and its worker run
    on, and uses the deployment's disease profiles: the outbreak's last day is today.
    ``progress`` is told each step as it begins.
    """
    step = progress or _quiet
    logins = demo_logins()
    if reset:
        step("emptying the data tables")
        empty_data_tables(session)
    elif is_loaded(session):
        return DemoReport(loaded=False, logins=logins)
    step("importing the province and the logins")
    actor = system_actor()
    import_jurisdictions(session, actor, bundled_divisions())
    for login in logins:
        create_user(
            session,
            actor,
            username=login.username,
            password=login.password,
            role=login.role,
            jurisdiction_code=login.jurisdiction,
        )
    session.flush()
    step(f"simulating {cases:,} cases")
    tables, start, as_of = _simulated(session, cases, seed, context.today())
    # Into empty tables, PostgreSQL builds the indexes and checks the keys once after
    # the rows are in (db/indexes.py); SQLite keeps them as they are.
    with deferred(session.connection(), TABLES):
        rows = load_tables(session, tables, as_of, context.now(), step)
    add_the_work(session, context, start, as_of, step)
    # Pages plan their queries from these statistics: without them PostgreSQL read a
    # contact's latest order by scanning every order backward (an interview page took
    # 200-300 ms), until autovacuum, if it runs at all, analysed the tables.
    step("statistics for the planner")
    analyze(session)
    return DemoReport(True, logins, rows, start, as_of)


def _quiet(_stage: str) -> None:
    """No progress to show (tests, a caller that does not ask)."""


def _simulated(
    session: Session, cases: int, seed: int, today: date
) -> tuple[dict[str, pa.Table], date, date]:
    """The outbreak's tables and its first and last day; the ``Outbreak`` itself is not
    kept, so that each table is freed once written (``load_tables``)."""
    outbreak = demo_outbreak(session, cases=cases, seed=seed, today=today)
    return outbreak.tables(), outbreak.start, outbreak.as_of


def add_the_work(
    session: Session, context: Context, start: date, as_of: date, step: Progress
) -> None:
    """What a province would have done with the loaded outbreak: interviews, venue
    exposures, signals, orders, care, zones, responses and screening; each step is set-based,
    so its time grows with the rows and its memory does not."""
    today, now = context.today(), context.now()
    step("interviews")
    add_interviews(session, now)
    step("venue exposures of the newest cases")  # after the interviews: listed contacts skipped
    propose_demo_exposures(session, disease_dir=context.settings.disease_dir, now=now)
    step("signals")
    run_recent_signals(session, as_of, (as_of - start).days + 1)
    step("quarantine, isolation, care and zones")
    add_isolation_care_zones(session, context, SEED_COUNTY)
    # The responses a running server would have opened for the confirmed cases, with the
    # work done so far: old tasks closed, fresh ones on the clock, two counties late.
    step("responses and their tasks")
    open_demo_responses(
        session,
        now,
        profiles=context.profiles,
        settings=ResponseSettings(),
        spare=SEED_COUNTY,
    )
    step("screening")
    add_screening(session, today, now)  # after the sweep: retest cases sweep next


def run_recent_signals(session: Session, as_of: date, days: int = SIGNAL_DAYS) -> None:
    """Run the daily signals for the last ``days`` days, as a server running through
    the outbreak would have, so the alert list has the wave's history."""
    for back in range(days - 1, -1, -1):
        run_signals(session, system_actor(), as_of - timedelta(days=back))


def demo_outbreak(session: Session, *, cases: int, seed: int, today: date) -> Outbreak:
    """An outbreak seeded in Shangcheng whose last day with data is ``today``."""
    return simulate(
        jurisdictions.from_database(session), cases, seed=seed, end=today, seed_county=SEED_COUNTY
    )
