"""The board's reads beyond the lights (test_lights.py): who is late, the subtree board,
the diseases its cards name, and task changes stamped by the context's clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.errors import NotFound
from fireline.response import board as boards
from fireline.response.lights import light, lit_as_range
from fireline.response.models import ResponseTask
from tests.places.factories import by_code
from tests.response.factories import T0, context_at, settings, two_counties

LATER = T0 + timedelta(hours=4)


def test_who_is_late_on_a_city_board(session: Session) -> None:
    two_counties(session)
    city = by_code(session, "C1")
    late = boards.late_by_owner(session, context_at(LATER).within(city), city, settings())
    assert [(place.code, n) for place, n in late] == [("C1A", 2)]
    early = context_at(T0 + timedelta(hours=1)).within(city)
    assert boards.late_by_owner(session, early, city, settings()) == []


def test_the_subtree_board_holds_every_task_below(session: Session) -> None:
    world = two_counties(session)
    wanted = boards.BoardFilter(subtree=True)
    city = context_at(LATER).within(by_code(session, "C1"))
    found = boards.board(session, city, "C1", settings(), wanted)
    assert {t.response_id for t in found.tasks} == {world["C1A"]} and len(found.tasks) == 8
    everything = boards.board(session, context_at(LATER), "P", settings(), wanted)
    assert {t.response_id for t in everything.tasks} == {world["C1A"], world["C2A"]}
    with pytest.raises(NotFound):
        boards.board(session, city, "C2", settings(), wanted)


def test_diseases_of_responses_in_scope_only(session: Session) -> None:
    world = two_counties(session)
    county = context_at(LATER).within(by_code(session, "C1A"))
    both = {world["C1A"], world["C2A"]}
    assert boards.diseases_of(session, county, both) == {world["C1A"]: "covid19"}
    assert boards.diseases_of(session, county, set()) == {}


def test_completion_is_stamped_by_the_contexts_clock(session: Session) -> None:
    world = two_counties(session)
    task = session.scalars(
        select(ResponseTask).where(ResponseTask.response_id == world["C1A"])
    ).first()
    assert task is not None
    done = boards.complete_task(
        session, context_at(LATER), task.id, version=task.version, note="admitted"
    )
    assert done.completed_at is not None
    assert done.completed_at.replace(tzinfo=None) == LATER.replace(tzinfo=None)
    read = boards.get_task(session, context_at(LATER), task.id, settings())
    assert read.light == "done" and read.note == "admitted"


def test_a_count_beyond_the_cap_is_said_to_be_more(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_counties(session)
    everything = boards.BoardFilter(subtree=True)
    full = boards.board(session, context_at(LATER), "P", settings(), everything)
    assert full.capped == [] and sum(full.counts.values()) == 16
    monkeypatch.setattr(boards, "COUNT_CAP", 3)
    capped = boards.board(session, context_at(LATER), "P", settings(), everything)
    assert capped.counts == {light: min(n, 3) for light, n in full.counts.items()}
    assert capped.capped == [light for light, n in full.counts.items() if n > 3]
    assert len(capped.tasks) == 16  # the cap is on the count, never on the tasks shown


@pytest.mark.parametrize("hours", [0.5, 1.6, 3, 18.5, 30])
def test_each_light_is_the_range_that_lights_it(session: Session, hours: float) -> None:
    two_counties(session)
    now = T0 + timedelta(hours=hours)
    lit = dict(session.execute(select(ResponseTask.id, light(now))).tuples().all())
    for wanted in ("red", "yellow", "green", "done"):
        found = set(session.scalars(select(ResponseTask.id).where(lit_as_range(wanted, now))))
        assert found == {task for task, its in lit.items() if its == wanted}
