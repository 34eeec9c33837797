from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Column, DateTime, func, select, text
from sqlalchemy.orm import Session

from fireline.auth.models import User
from fireline.auth.roles import ROLE_NAMES
from fireline.auth.service import authenticate
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.db.base import UTCDateTime
from fireline.demo.service import PASSWORD, demo_context, demo_logins, load_demo
from fireline.response.metrics import seven_one_seven, timelines
from fireline.response.models import ResponseTask
from fireline.settings import Settings
from fireline.surveillance.models import Case
from fireline.tables import Base
from tests.places.factories import by_code

TODAY = date(2026, 11, 28)


def _cases(session: Session) -> int:
    return int(session.scalar(select(func.count(Case.id))) or 0)


def test_logins_cover_every_role_for_the_city_and_the_county() -> None:
    names = {login.username for login in demo_logins()}
    assert "admin" in names
    for role in ROLE_NAMES:
        assert {f"hangzhou-{role}", f"shangcheng-{role}"} <= names


def test_load_demo_once(session: Session) -> None:
    report = load_demo(session, demo_context(TODAY), cases=120, seed=2)
    assert report.loaded and report.as_of == TODAY
    assert _cases(session) == 120
    user = authenticate(session, "shangcheng-investigator", PASSWORD)
    assert user.jurisdiction.code == "330102"
    index_case = session.scalars(select(Case).order_by(Case.id)).first()
    assert index_case is not None and index_case.imported
    assert index_case.jurisdiction_id == by_code(session, "330102").id
    again = load_demo(session, demo_context(TODAY), cases=120, seed=2)
    assert not again.loaded
    assert _cases(session) == 120
    assert session.scalar(select(func.count(User.id))) == len(demo_logins())


def test_reset_loads_it_afresh(session: Session) -> None:
    load_demo(session, demo_context(TODAY), cases=60, seed=2)
    report = load_demo(session, demo_context(TODAY), cases=80, seed=3, reset=True)
    assert report.loaded
    assert _cases(session) == 80
    assert session.scalar(select(func.count(User.id))) == len(demo_logins())


# Columns that name a time still to come: deadlines, planned ends, expiries.
PLANNED = ("due", "end", "expire", "until", "next", "scheduled", "yellow", "red_at")


def test_the_demo_tells_the_truth(session: Session) -> None:
    """Loaded at 09:30 in the province (before the day's swabbing, admissions and
    results would have happened): every recorded instant (a lab result, a follow-up, an
    admission, a completed task) lies at or before the demo's now, every done task was
    done after it opened, and the 7-1-7 figures are ones a county could have."""
    now = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)
    context = Context.for_system(Settings(), FrozenClock(now))
    load_demo(session, context, cases=120, seed=4)
    future: dict[str, datetime] = {}
    seen: set[str] = set()
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, DateTime | UTCDateTime) or _planned_or_written(column):
                continue
            seen.add(table.name)
            latest = session.scalar(select(func.max(column)))
            if latest is not None and _aware(latest) > now:
                future[f"{table.name}.{column.name}"] = latest
    assert future == {}, " ".join(sorted(future))
    assert {"lab_results", "response_tasks", "responses", "follow_ups", "admissions"} <= seen
    entered = session.scalar(select(func.max(Case.created_at)))  # a case's entry, dated
    assert entered is not None and _aware(entered) <= now
    _tasks_done_in_their_time(session, now)
    _seven_one_seven_plausible(session, context.today())


def _tasks_done_in_their_time(session: Session, now: datetime) -> None:
    task = ResponseTask
    done = session.execute(
        select(task.started_at, task.completed_at).where(task.status == "done")
    ).all()
    assert len(done) > 100
    assert all(_aware(start) < _aware(end) <= now for start, end in done)
    # nothing was finished at the load instant: evidence entered in bulk is not work done
    assert not any(_aware(end) == now for _, end in done)


def _seven_one_seven_plausible(session: Session, today: date) -> None:
    """The early-response interval of a done response is days, not the time since its
    notification (a completion at the load instant), and never weeks."""
    finished = 0
    for _, timeline in timelines(session).values():
        respond = seven_one_seven(timeline, today)[2]
        if respond.days is None or timeline.notification is None:
            continue
        finished += 1
        assert 0 <= respond.days <= 7, timeline
        waited = (today - timeline.notification).days
        assert waited <= 2 or respond.days < waited, timeline
    assert finished > 50


def _planned_or_written(column: Column[Any]) -> bool:
    """A deadline, or a stamp the database layer writes when a row is written (a demo
    frozen on a past day is still written today): neither is an event the demo dates."""
    stamped = column.default is not None and column.default.is_callable
    return stamped or any(word in column.name for word in PLANNED)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_the_loaded_tables_have_statistics(session: Session) -> None:
    """On PostgreSQL the load ends with ANALYZE: the planner knows each table's size
    (pg_class.reltuples, -1 or 0 before) without waiting for autovacuum."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("ANALYZE after the load is PostgreSQL's; SQLite's plans need none")
    load_demo(session, demo_context(TODAY), cases=120, seed=2)
    for table in ("quarantine_orders", "cases", "response_tasks"):
        known = session.scalar(text(f"SELECT reltuples FROM pg_class WHERE relname = '{table}'"))
        rows = session.scalar(text(f"SELECT count(*) FROM {table}"))
        assert rows and known == rows, (table, known, rows)
