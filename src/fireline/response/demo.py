"""The demo's response history: the playbook work a running province would have done.

Bulk-loaded cases carry the load instant as their entry time, so a plain sweep would
start every task clock at load time and show a board where everything is on time. The
demo instead dates each case's entry to its report day (tasks are clocked from the
confirmation, tasks.confirmed_at), opens the responses and completes what evidence
completes, then closes by hand, on time, the tasks older than ``HISTORY_HOURS``,
except in ``LATE_COUNTIES`` counties whose old tasks stay open: overdue and escalated,
so the city's and the province's boards, notifications and league table have someone
late. Only then are escalations recorded, so nothing done is ever escalated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from fireline.db.sqlfn import write
from fireline.diseases.schemas import DiseaseProfile
from fireline.places.models import Jurisdiction
from fireline.response.evidence import complete_by_evidence
from fireline.response.models import ResponseTask
from fireline.response.notify import escalate
from fireline.response.opening import open_due_responses
from fireline.response.settings import ResponseSettings
from fireline.surveillance.models import Case

ZONE: Final = ZoneInfo("Asia/Shanghai")  # the demo province's time
HISTORY_HOURS: Final = 48  # older tasks were done on time, but in the late counties
LATE_COUNTIES: Final = 2
LATE_DAYS: Final = 7  # how far back the late counties' work is still open
WORKDAY_MINUTES: Final = 10 * 60  # cases are entered between 08:00 and 18:00


def date_case_entries(session: Session, now: datetime) -> int:
    """Each case entered on its report day (08:00-18:00 local, spread by id), never after
    ``now``. One executemany of (id, instant) pairs: the demo has a few thousand cases."""
    rows = session.execute(select(Case.id, Case.date_reporting)).all()
    entered = [
        {"case_id": case_id, "at": min(_entry(day, case_id), now - timedelta(minutes=1))}
        for case_id, day in rows
    ]
    table = Case.__table__
    assert isinstance(table, Table)
    # Core, not the ORM's bulk update: the entry time is no edit, so no version moves.
    dated = update(table).where(table.c.id == bindparam("case_id"))
    if entered:
        session.connection().execute(dated.values(created_at=bindparam("at")), entered)
    return len(entered)


def _entry(day: date, case_id: int) -> datetime:
    minutes = 8 * 60 + case_id * 37 % WORKDAY_MINUTES
    local = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return local.replace(tzinfo=ZONE).astimezone(UTC)


def late_counties(
    session: Session, now: datetime, spare: str, keep: int = LATE_COUNTIES
) -> list[int]:
    """The counties with the most tasks due in the last ``LATE_DAYS`` (but ``spare``, the
    county whose own board shows the fresh work): the ones a province would find late."""
    task = ResponseTask
    busiest = (
        select(task.owner_id)
        .join(Jurisdiction, Jurisdiction.id == task.owner_id)
        .where(Jurisdiction.level == "county", Jurisdiction.code != spare)
        .where(task.due_at >= now - timedelta(days=LATE_DAYS))
        .group_by(task.owner_id)
        .order_by(func.count().desc(), task.owner_id)
        .limit(keep)
    )
    return list(session.scalars(busiest))


def complete_history(session: Session, now: datetime, late: Sequence[int]) -> int:
    """Close the open tasks due before the history cut-off, at their yellow instant (on
    time); the late counties' last ``LATE_DAYS`` stay open. One UPDATE."""
    task = ResponseTask
    cutoff = now - timedelta(hours=HISTORY_HOURS)
    kept_late = now - timedelta(days=LATE_DAYS)
    closing = (
        update(task)
        .where(task.status == "open", task.due_at < cutoff)
        .where(or_(task.owner_id.not_in(late), task.due_at < kept_late))
        .values(
            status="done",
            completed_at=task.yellow_at,
            evidence="user",
            note="done on time (demo history)",
        )
        .execution_options(synchronize_session=False)
    )
    return write(session, closing)


def open_demo_responses(
    session: Session,
    now: datetime,
    *,
    profiles: Mapping[str, DiseaseProfile],
    settings: ResponseSettings,
    spare: str,
) -> int:
    """The responses, tasks and escalations of the demo wave; returns the open tasks."""
    date_case_entries(session, now)
    open_due_responses(session, now, profiles=profiles, settings=settings)
    complete_by_evidence(session, now)
    complete_history(session, now, late_counties(session, now, spare))
    escalate(session, now, settings)
    session.flush()
    open_tasks = select(func.count()).where(ResponseTask.status == "open")
    return int(session.scalar(open_tasks) or 0)
