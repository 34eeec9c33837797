"""7-1-7 on hand-made timelines with known answers (Frieden et al. 2021)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.diseases import load_profiles
from fireline.response.board import complete_task
from fireline.response.metrics import Timeline, as_date, seven_one_seven
from fireline.response.models import Response, ResponseTask
from fireline.response.service import metrics, sweep
from tests.places.factories import small_tree
from tests.response.factories import T0, add_case, add_sample, context_at, settings

D = date(2026, 3, 1)


def _days(
    t: Timeline, today: date = D + timedelta(days=30)
) -> list[tuple[int | None, bool | None]]:
    return [(i.days, i.met) for i in seven_one_seven(t, today)]


def test_all_three_targets_met() -> None:
    t = Timeline(D, D + timedelta(days=7), D + timedelta(days=8), D + timedelta(days=15))
    assert _days(t) == [(7, True), (1, True), (7, True)]


def test_each_target_missed_by_a_day() -> None:
    t = Timeline(D, D + timedelta(days=8), D + timedelta(days=10), D + timedelta(days=18))
    assert _days(t) == [(8, False), (2, False), (8, False)]


def test_open_intervals_are_pending_until_the_target_passes() -> None:
    t = Timeline(D, D + timedelta(days=2), D + timedelta(days=2), None)
    assert _days(t, today=D + timedelta(days=9))[2] == (None, None)
    assert _days(t, today=D + timedelta(days=10))[2] == (None, False)
    assert _days(Timeline(None, D, None, None), today=D)[:2] == [(None, None), (None, None)]


def test_dates_from_instants_are_utc_days() -> None:
    assert as_date("2026-03-01 23:30:00.000000") == D
    assert as_date(T0) == date(2026, 3, 2)


def test_a_response_timeline_from_its_records(session: Session) -> None:
    tree = small_tree(session)
    case = add_case(session, tree["C1A"], onset=date(2026, 2, 24), reported=D)
    add_sample(session, case.person_id, case.jurisdiction_id, T0 - timedelta(days=3, hours=2))
    profiles = load_profiles()
    sweep(session, T0, profiles=profiles, settings=settings())
    response = session.scalars(select(Response)).one()
    for i, task in enumerate(session.scalars(select(ResponseTask).order_by(ResponseTask.id))):
        finished = T0 + (
            timedelta(hours=1) if task.type == "notify_authority" else timedelta(days=3, hours=i)
        )
        complete_task(session, context_at(finished), task.id, version=task.version, note=None)
    timeline, intervals = metrics(session, context_at(T0 + timedelta(days=10)), response.id)
    assert timeline == Timeline(
        date(2026, 2, 24), date(2026, 2, 27), date(2026, 3, 2), date(2026, 3, 5)
    )
    assert [(i.name, i.days, i.met) for i in intervals] == [
        ("detect", 3, True),
        ("notify", 3, False),
        ("respond", 3, True),
    ]


def test_dates_set_by_hand_win(session: Session) -> None:
    tree = small_tree(session)
    add_case(session, tree["C1A"], onset=date(2026, 2, 24), reported=D)
    sweep(session, T0, profiles=load_profiles(), settings=settings())
    response = session.scalars(select(Response)).one()
    response.emergence_date, response.detection_date = date(2026, 2, 20), date(2026, 2, 28)
    timeline, intervals = metrics(session, context_at(T0), response.id)
    assert (timeline.emergence, timeline.detection) == (date(2026, 2, 20), date(2026, 2, 28))
    assert (intervals[0].days, intervals[0].met) == (8, False)
    assert intervals[2].met is None
