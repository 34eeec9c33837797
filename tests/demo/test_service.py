from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, DateTime, func, select
from sqlalchemy.orm import Session

from fireline.auth.models import User
from fireline.auth.roles import ROLE_NAMES
from fireline.auth.service import authenticate
from fireline.db.base import UTCDateTime
from fireline.demo.service import PASSWORD, demo_context, demo_logins, load_demo
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


def test_nothing_in_the_demo_happened_after_its_clock(session: Session) -> None:
    """Every recorded instant (a lab result, a completed task, a report) lies at or
    before the demo's now: the server that shows it runs on the same clock."""
    context = demo_context(TODAY)
    load_demo(session, context, cases=300, seed=4)
    future: dict[str, datetime] = {}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, DateTime | UTCDateTime) or _planned_or_written(column):
                continue
            latest = session.scalar(select(func.max(column)))
            if latest is not None and _aware(latest) > context.now():
                future[f"{table.name}.{column.name}"] = latest
    assert future == {}, " ".join(sorted(future))


def _planned_or_written(column: Column[Any]) -> bool:
    """A deadline, or a stamp the database layer writes when a row is written (a demo
    frozen on a past day is still written today): neither is an event the demo dates."""
    stamped = column.default is not None and column.default.is_callable
    return stamped or any(word in column.name for word in PLANNED)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
