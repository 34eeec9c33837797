"""Traffic lights turn as the clock moves; overdue tasks escalate to the parent, then above."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.diseases import load_profiles
from fireline.response.board import BoardFilter, board
from fireline.response.lights import all_lights
from fireline.response.models import ResponseNotification, ResponseTask
from fireline.response.service import sweep
from tests.places.factories import small_tree
from tests.response.factories import T0, add_case, context_at, settings


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _light(session: Session, code: str, hours: float, playbook_id: str) -> str:
    found = board(session, context_at(_at(hours)), code, settings(), BoardFilter())
    return next(t.light for t in found.tasks if t.playbook_id == playbook_id)


def _board_ids(session: Session, code: str, hours: float) -> set[str]:
    found = board(session, context_at(_at(hours)), code, settings(), BoardFilter())
    return {t.playbook_id for t in found.tasks}


def test_green_yellow_red_for_a_24_hour_task(session: Session) -> None:
    tree = small_tree(session)
    add_case(session, tree["C1A"])
    sweep(session, T0, profiles=load_profiles(), settings=settings())
    assert _light(session, "C1A", 1, "interview") == "green"
    assert _light(session, "C1A", 17.9, "interview") == "green"
    assert _light(session, "C1A", 18.1, "interview") == "yellow"  # under 6 h of 24 left
    assert _light(session, "C1A", 24, "interview") == "red"
    assert _light(session, "C1A", 1.6, "isolate") == "yellow"  # 2 h task: yellow from 1.5 h


def test_overdue_tasks_reach_the_parent_then_the_grandparent(session: Session) -> None:
    tree = small_tree(session)
    add_case(session, tree["C1A"])
    config = settings(grandparent_delay_hours=24)
    sweep(session, T0, profiles=load_profiles(), settings=config)
    assert _board_ids(session, "C1", 1.9) == {"screening"} - {"screening"}
    assert _board_ids(session, "C1", 2) == {"isolate", "notify"}
    assert _board_ids(session, "P", 25.9) == set()
    assert _board_ids(session, "P", 26) == {"isolate", "notify"}
    assert "interview" in _board_ids(session, "C1", 24)
    assert _board_ids(session, "C2", 100) == set()
    counts = board(session, context_at(_at(3)), "C1A", config, BoardFilter()).counts
    assert counts == {"red": 2, "green": 6}


def test_escalations_notify_each_board_once(session: Session) -> None:
    tree = small_tree(session)
    add_case(session, tree["C1A"])
    profiles, config = load_profiles(), settings()
    assert sweep(session, T0, profiles=profiles, settings=config).escalations == 0
    assert sweep(session, _at(2), profiles=profiles, settings=config).escalations == 2
    assert sweep(session, _at(3), profiles=profiles, settings=config).escalations == 0
    later = sweep(session, _at(27), profiles=profiles, settings=config)
    assert later.escalations == 6 + 2  # six 24 h tasks to C1; the 2 h tasks to P
    notes = session.scalars(select(ResponseNotification)).all()
    assert {(n.step, n.jurisdiction_id) for n in notes} == {(1, tree["C1"].id), (2, tree["P"].id)}


def test_all_lights_counts_every_open_task_in_one_query(session: Session) -> None:
    tree = small_tree(session)
    add_case(session, tree["C1A"])
    add_case(session, tree["C2B"])
    sweep(session, T0, profiles=load_profiles(), settings=settings())
    counts = all_lights(session, _at(20), settings())
    by_light: dict[str, int] = {}
    for c in counts:
        by_light[c.light] = by_light.get(c.light, 0) + c.tasks
    assert by_light == {"red": 4, "yellow": 12}
    assert {c.escalation for c in counts if c.light == "red"} == {1}


def test_a_task_overdue_past_both_delays_reaches_both_boards_in_one_sweep(
    session: Session,
) -> None:
    tree = small_tree(session)
    add_case(session, tree["C1A"])
    profiles, config = load_profiles(), settings()
    sweep(session, T0, profiles=profiles, settings=config)
    # Nothing ran between the opening and 27 h: the 2 h tasks reach the parent and the
    # grandparent in the same sweep, the 24 h tasks the parent only.
    assert sweep(session, _at(27), profiles=profiles, settings=config).escalations == 2 * 2 + 6
    steps = session.execute(select(ResponseTask.playbook_id, ResponseTask.escalated)).all()
    assert {playbook: step for playbook, step in steps if step == 2} == {
        "isolate": 2,
        "notify": 2,
    }
    assert sorted(step for _, step in steps) == [1] * 6 + [2] * 2
    notes = session.scalars(select(ResponseNotification)).all()
    assert sorted((n.step, n.jurisdiction_id) for n in notes)[-2:] == [(2, tree["P"].id)] * 2
    # Later the 24 h tasks reach the grandparent too, once.
    assert sweep(session, _at(48), profiles=profiles, settings=config).escalations == 6
    assert sweep(session, _at(60), profiles=profiles, settings=config).escalations == 0
