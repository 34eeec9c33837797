"""The demo's response history: old work done on time, fresh tasks on the clock, two
counties late with their overdue tasks escalated, and nothing done ever escalated."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.demo.service import SEED_COUNTY, demo_context, load_demo
from fireline.places.models import Jurisdiction
from fireline.response import demo
from fireline.response.demo import HISTORY_HOURS, LATE_DAYS
from fireline.response.lights import utc
from fireline.response.models import ResponseNotification, ResponseTask
from fireline.surveillance.models import Case

TODAY = date(2026, 11, 28)
NOW = datetime.combine(TODAY, time(8), UTC)
T = ResponseTask


def test_the_demo_has_history_fresh_work_and_late_counties(session: Session) -> None:
    load_demo(session, demo_context(TODAY), cases=600, seed=1)
    entered = session.execute(select(Case.created_at, Case.date_reporting)).all()
    assert all(utc(at) <= NOW and utc(at).date() >= day - timedelta(days=1) for at, day in entered)
    done_late = select(func.count()).where(T.status == "done", T.completed_at > T.due_at)
    assert session.scalar(done_late.where(T.evidence == "user")) == 0
    open_tasks = session.execute(select(T.due_at, T.owner_id).where(T.status == "open")).all()
    assert open_tasks, "the boards have work on them"
    old = NOW - timedelta(hours=HISTORY_HOURS)
    late = {owner for due, owner in open_tasks if utc(due) < old}
    assert 1 <= len(late) <= 2
    seed = session.scalars(select(Jurisdiction.id).where(Jurisdiction.code == SEED_COUNTY)).one()
    assert seed not in late
    assert all(utc(due) >= NOW - timedelta(days=LATE_DAYS) for due, _ in open_tasks)
    notified = select(ResponseNotification.task_id)
    escalated_open = select(func.count()).where(T.status == "open", T.id.in_(notified))
    assert (session.scalar(escalated_open) or 0) > 0
    assert session.scalar(select(func.count()).where(T.status == "done", T.id.in_(notified))) == 0


def test_dating_a_slice_at_a_time_gives_the_dates_of_one_pass(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #17: case entries and task completions are dated in slices (of cases, of
    responses); slices of a few rows give what one pass gives, each case entered at its
    report day's instant (``_entry``), each task as drawn for it in id order."""
    load_demo(session, demo_context(TODAY), cases=200, seed=3)
    done = select(T.id, T.completed_at).where(T.status == "done").order_by(T.id)
    before = session.execute(done).tuples().all()
    monkeypatch.setattr(demo, "CHUNK_RESPONSES", 3)
    monkeypatch.setattr(demo, "CHUNK_ROWS", 7)
    assert demo.plausible_completions(session, NOW) == len(before) > 100
    assert session.execute(done).tuples().all() == before
    assert demo.date_case_entries(session, NOW) == 200
    latest = NOW - timedelta(minutes=1)
    for case_id, day, at in session.execute(select(Case.id, Case.date_reporting, Case.created_at)):
        assert utc(at) == min(demo._entry(day, case_id), latest)
