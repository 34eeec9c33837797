"""The notifications list: escalations to the boards in the context's subtree, the unread
filter, the sort, and marking one read at the context's clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from fireline.context import Context
from fireline.errors import NotFound
from fireline.listing import ListQuery
from fireline.response import inbox
from tests.places.factories import by_code
from tests.response.factories import T0, context_at, two_counties

LATER = T0 + timedelta(hours=4)


def _within(session: Session, code: str) -> Context:
    return context_at(LATER).within(by_code(session, code))


def test_a_city_sees_the_escalations_to_its_own_board_only(session: Session) -> None:
    world = two_counties(session)
    found, total = inbox.escalations(session, _within(session, "C1"), ListQuery())
    assert total == 2 and len(found) == 2
    assert {e.notification.response_id for e in found} == {world["C1A"]}
    assert {e.notification.jurisdiction_id for e in found} == {world["tree"]["C1"].id}
    assert {e.task.playbook_id for e in found} == {"isolate", "notify"}
    assert {e.disease for e in found} == {"covid19"}
    # A county's own board gets nothing escalated; the other city's are not listed.
    assert inbox.escalations(session, _within(session, "C1A"), ListQuery())[1] == 0
    everything, _ = inbox.escalations(session, _within(session, "P"), ListQuery())
    assert {e.notification.response_id for e in everything} == {world["C1A"], world["C2A"]}


def test_unread_filter_mark_read_and_count(session: Session) -> None:
    two_counties(session)
    city = _within(session, "C1")
    found, _ = inbox.escalations(session, city, ListQuery())
    note = inbox.mark_read(session, city, found[0].notification.id)
    assert note.read_at is not None and note.read_at.replace(tzinfo=None) == LATER.replace(
        tzinfo=None
    )  # the context's clock, not the wall clock
    assert inbox.unread_count(session, city) == 1
    for unread in ("1", "true"):
        left, total = inbox.escalations(session, city, ListQuery(filters={"unread": unread}))
        assert total == 1 and left[0].notification.id != note.id
    assert inbox.escalations(session, city, ListQuery(filters={"unread": "0"}))[1] == 2


def test_newest_first_unless_asked(session: Session) -> None:
    two_counties(session)
    province = _within(session, "P")
    newest, _ = inbox.escalations(session, province, ListQuery())
    ids = [e.notification.id for e in newest]
    assert ids == sorted(ids, reverse=True)
    oldest, _ = inbox.escalations(session, province, ListQuery(descending=False, limit=1))
    assert [e.notification.id for e in oldest] == [min(ids)]


def test_another_city_cannot_mark_it_read(session: Session) -> None:
    two_counties(session)
    found, _ = inbox.escalations(session, _within(session, "C1"), ListQuery())
    with pytest.raises(NotFound):
        inbox.mark_read(session, _within(session, "C2"), found[0].notification.id)
    assert found[0].notification.read_at is None


def test_the_escalations_of_one_response(session: Session) -> None:
    world = two_counties(session)
    notes = inbox.of_response(session, _within(session, "C1"), world["C1A"])
    assert len(notes) == 2 and notes == sorted(notes, key=lambda n: (n.created_at, n.id))
    assert inbox.of_response(session, _within(session, "C1A"), world["C1A"]) == []
