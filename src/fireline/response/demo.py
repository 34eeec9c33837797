"""The demo's response history: the playbook work a running province would have done.

Bulk-loaded cases carry the load instant as their entry time, so a plain sweep would
start every task clock at load time and show a board where everything is on time. The
demo instead dates each case's entry to its report day (tasks are clocked from the
confirmation, tasks.confirmed_at), opens the responses and completes what evidence
completes, then closes by hand, on time, the tasks older than ``HISTORY_HOURS``,
except in ``LATE_COUNTIES`` counties whose old tasks stay open: overdue and escalated,
so the city's and the province's boards, notifications and league table have someone
late. Every done task is then dated at a plausible moment after it opened, never
after ``now`` (``plausible_completions``): evidence the demo stamps at load time (an
isolation order entered in bulk) must not read as work done at the load instant, so
the 7-1-7 figures (Frieden et al. 2021) are ones a real county could have. Only then
are escalations recorded, so nothing done is ever escalated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from sqlalchemy import Row, func, or_, select, update
from sqlalchemy.orm import Session

from fireline.db.bulk import set_instants
from fireline.db.sqlfn import write
from fireline.diseases.schemas import DiseaseProfile
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.response.evidence import complete_by_evidence
from fireline.response.lights import utc
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
# How long a done task took, as a share of its playbook deadline: lognormal, median
# 0.45, log-sd 0.5, redrawn inside the deadline when it overruns (the demo's lateness
# is the late counties' open work). A demo assumption, not a measured distribution: a
# county working to the deadlines of the profiles (and so to 7-1-7, Frieden et al.
# 2021, doi:10.1016/S0140-6736(21)01250-2) finishes most tasks well inside them.
TAKES_MEDIAN: Final = 0.45
TAKES_LOG_SD: Final = 0.5
CHUNK_ROWS: Final = 50_000  # cases read and dated at once
CHUNK_RESPONSES: Final = 5_000  # responses whose tasks are dated at once (about 40,000 tasks)


def date_case_entries(session: Session, now: datetime) -> int:
    """Each case entered on its report day (08:00-18:00 local, spread by id), never after
    ``now``. Computed in NumPy a slice of cases at a time, written by one UPDATE ... FROM
    per slice (the wave may have 600,000 cases)."""
    entered = 0
    latest = np.datetime64(utc(now).replace(tzinfo=None) - timedelta(minutes=1), "us")
    for low, high in id_ranges(session, Case.id, CHUNK_ROWS):
        rows = session.execute(
            select(Case.id, Case.date_reporting).where(Case.id >= low, Case.id < high)
        ).all()
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        days = {day: np.datetime64(_entry(day, 0).replace(tzinfo=None), "us") for _, day in rows}
        base = np.array([days[day] for _, day in rows], dtype="datetime64[us]")
        at = np.minimum(base + (ids * 37 % WORKDAY_MINUTES).astype("timedelta64[m]"), latest)
        entered += set_instants(session, "cases", "created_at", ids, _instants(at))
    return entered


def _entry(day: date, case_id: int) -> datetime:
    minutes = 8 * 60 + case_id * 37 % WORKDAY_MINUTES
    local = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return local.replace(tzinfo=ZONE).astimezone(UTC)


def _instants(at: npt.NDArray[np.datetime64]) -> pa.Array:
    return pa.array(at.astype("datetime64[us]"), type=pa.timestamp("us", tz="UTC"))


def id_ranges(session: Session, column: Any, size: int) -> Iterator[tuple[int, int]]:
    """[low, high) ranges of ``column``'s values, ``size`` wide, from its least to its
    largest: slices of a table that keep what is read at once bounded."""
    low, high = session.execute(select(func.min(column), func.max(column))).one()
    if low is None:
        return
    for start in range(int(low), int(high) + 1, size):
        yield start, start + size


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
    time; ``plausible_completions`` then dates each); the late counties' last
    ``LATE_DAYS`` stay open. One UPDATE."""
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


def plausible_completions(session: Session, now: datetime, seed: int = 1) -> int:
    """Date every done task at its opening plus a drawn share of its deadline, after the
    tasks it depends on, before its deadline and ``now`` (a draw past either is redrawn
    uniformly inside); then the isolation orders at their task's time.

    The draws are made once for every done task in id order; the tasks are then dated a
    slice of responses at a time (a task depends only on tasks of its own response), each
    slice written by one UPDATE ... FROM, so memory holds one slice, not the wave."""
    task = ResponseTask
    done = task.status == "done"
    ids = np.array(session.scalars(select(task.id).where(done).order_by(task.id)).all(), np.int64)
    rng = np.random.default_rng(seed)
    takes = rng.lognormal(np.log(TAKES_MEDIAN), TAKES_LOG_SD, len(ids))
    shares = rng.uniform(0.2, 0.9, len(ids))
    stamp = utc(now)
    dated = 0
    for low, high in id_ranges(session, task.response_id, CHUNK_RESPONSES):
        # By the response id alone (the few open tasks are dropped here): with the status
        # in the WHERE, SQLite scanned every done task for each slice.
        found = session.execute(
            select(task.id, task.response_id, task.case_id, task.playbook_id, task.status)
            .add_columns(task.depends_on, task.started_at, task.due_at, task.due_hours)
            .where(task.response_id >= low, task.response_id < high)
            .order_by(task.id)  # a case's tasks are inserted after those they depend on
        )
        rows = [row for row in found if row.status == "done"]
        rank = np.searchsorted(ids, np.array([row.id for row in rows], dtype=np.int64))
        at = _completions(rows, takes[rank], shares[rank], stamp)
        chunk = np.array([row.id for row in rows], dtype=np.int64)
        dated += set_instants(session, "response_tasks", "completed_at", chunk, at)
    _date_isolation_orders(session)
    return dated


def _completions(
    rows: Sequence[Row[Any]],
    takes: npt.NDArray[np.float64],
    shares: npt.NDArray[np.float64],
    stamp: datetime,
) -> pa.Array:
    """Each row's completion (``plausible_completions``), rows in id order."""
    done: dict[tuple[int, int | None, str], datetime] = {}
    dated: list[datetime] = []
    for row, take, share in zip(rows, takes, shares, strict=True):
        start, due = utc(row.started_at), utc(row.due_at)
        after = [done.get((row.response_id, row.case_id, d)) for d in row.depends_on.split(",")]
        earliest = max([start, *(a for a in after if a is not None)])
        at = max(start + timedelta(hours=max(row.due_hours, 1.0) * take), earliest)
        if at >= min(due, stamp) > earliest:  # late or not yet: inside the time it had
            at = earliest + (min(due, stamp) - earliest) * share
        elif at >= stamp:  # its deadline was before what it waited for: late, but done
            at = earliest + (stamp - earliest) * share
        done[(row.response_id, row.case_id, row.playbook_id)] = at
        dated.append(at)
    return pa.array(dated, type=pa.timestamp("us", tz="UTC"))


def _date_isolation_orders(session: Session) -> None:
    """An isolation order (the person's own, no contact) is entered when its case's
    isolate task was done: the record and the task tell one story. One UPDATE ... FROM
    the per-person first completion (a correlated subquery per order took 97 s at
    20,000 cases on SQLite)."""
    order, task = QuarantineOrder, ResponseTask
    isolated = (
        select(Case.person_id, func.min(task.completed_at).label("at"))
        .join(Case, Case.id == task.case_id)
        .where(task.type == "isolate_case", task.status == "done")
        .group_by(Case.person_id)
        .subquery("isolated")
    )
    session.execute(
        update(order)
        .where(order.contact_id.is_(None), order.purpose == "isolation")
        .where(order.person_id == isolated.c.person_id, isolated.c.at.is_not(None))
        .values(created_at=isolated.c.at)
        .execution_options(synchronize_session=False)
    )


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
    plausible_completions(session, now)
    escalate(session, now, settings)
    session.flush()
    open_tasks = select(func.count()).where(ResponseTask.status == "open")
    return int(session.scalar(open_tasks) or 0)
