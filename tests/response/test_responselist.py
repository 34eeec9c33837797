"""The list of responses: scope, the status filter, search, sort, and the task counts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from fireline.context import Context
from fireline.listing import ListQuery
from fireline.response import service
from fireline.response.responselist import list_responses
from tests.places.factories import by_code
from tests.response.factories import T0, context_at, two_counties

LATER = T0 + timedelta(hours=4)


def _within(session: Session, code: str) -> Context:
    return context_at(LATER).within(by_code(session, code))


def _ids(session: Session, code: str, **query: object) -> list[int]:
    found, _ = list_responses(session, _within(session, code), ListQuery(**query))  # type: ignore[arg-type]
    return [r.response.id for r in found]


def test_a_county_lists_its_own_responses_only(session: Session) -> None:
    world = two_counties(session)
    assert _ids(session, "C1A") == [world["C1A"]]
    assert _ids(session, "C2") == [world["C2A"]]
    assert set(_ids(session, "P")) == {world["C1A"], world["C2A"]}


def test_open_and_overdue_task_counts_at_the_contexts_clock(session: Session) -> None:
    world = two_counties(session)
    found, total = list_responses(session, _within(session, "C1A"), ListQuery())
    assert total == 1
    assert (found[0].open_tasks, found[0].overdue_tasks) == (8, 2)
    early = context_at(T0 + timedelta(minutes=30)).within(by_code(session, "C1A"))
    (listed,), _ = list_responses(session, early, ListQuery())
    assert (listed.response.id, listed.overdue_tasks) == (world["C1A"], 0)


def test_status_filter_search_and_sort(session: Session) -> None:
    world = two_counties(session)
    province = _within(session, "P")
    closed = service.close_response(
        session, province, world["C2A"], summary="Ward 3 sealed", version=1
    )
    assert _ids(session, "P", filters={"status": "open"}) == [world["C1A"]]
    assert _ids(session, "P", filters={"status": "closed"}) == [closed.id]
    assert len(_ids(session, "P", filters={"status": "all"})) == 2
    assert _ids(session, "P", q="ward 3") == [closed.id]
    assert _ids(session, "P", q=str(world["C1A"])) == [world["C1A"]]
    newest = _ids(session, "P")
    assert newest == sorted(newest, reverse=True)  # opened together: the later id first
    assert _ids(session, "P", descending=False) == newest[::-1]
    (counted,), _ = list_responses(session, province, ListQuery(filters={"status": "closed"}))
    assert counted.open_tasks == 0  # closing cancelled them


def test_a_page_of_the_list(session: Session) -> None:
    two_counties(session)
    first, total = list_responses(session, _within(session, "P"), ListQuery(limit=1))
    second, _ = list_responses(session, _within(session, "P"), ListQuery(limit=1, offset=1))
    assert total == 2 and len(first) == len(second) == 1
    assert first[0].response.id != second[0].response.id
