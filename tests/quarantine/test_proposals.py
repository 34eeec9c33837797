"""The queue of proposed orders: listing in scope, bulk confirm and cancel, all or none."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import Actor, system_actor
from fireline.auth.service import actor_for
from fireline.diseases import load_profiles
from fireline.errors import Problem
from fireline.listing import ListQuery
from fireline.places.models import Jurisdiction
from fireline.quarantine import duelist, facilities, orders, proposals
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.schemas import FacilityCreate, IsolationCreate, ProposalDecisions, RoomIn
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, propose, quarantine

DAY = T0.date()
FIRST = ListQuery()


def county(place: Jurisdiction) -> Actor:
    return Actor(None, "tracer", "investigator", place.id, place.path)


def decisions(decision: str, *found: QuarantineOrder, **more: Any) -> ProposalDecisions:
    body = [{"id": o.id, "version": o.version} for o in found]
    return ProposalDecisions.model_validate({"decision": decision, "orders": body, **more})


def statuses(session: Session, *found: QuarantineOrder) -> list[tuple[str, int]]:
    session.expire_all()
    return [(o.status, o.version) for o in (session.get_one(QuarantineOrder, f.id) for f in found)]


def test_the_queue_lists_proposals_in_scope_oldest_first(session: Session) -> None:
    tree = small_tree(session)
    last = DAY - timedelta(days=1)
    newer = propose(session, tree["C1A"], last=last, today=DAY, name="Bo", at=T0)
    earlier = T0 - timedelta(hours=30)
    older = propose(session, tree["C1A"], last=last, today=DAY, name="Al", at=earlier)
    propose(session, tree["C2A"], last=last, today=DAY, name="Elsewhere")
    quarantine(session, tree["C1A"], last=last, today=DAY, name="Already active")
    rows, total = proposals.list_proposals(
        session, county(tree["C1A"]), None, FIRST, now=T0 + timedelta(hours=2), today=DAY
    )
    assert total == 2 and [r.name for r in rows] == ["Al", "Bo"]
    al = rows[0]
    assert (al.order_id, al.version, al.category, al.kind) == (older.id, 1, "close", "facility")
    # COVID-19 close contact (NHC plan 9): 7 days facility + 3 home, tests on days 1-3, 5, 7, 10
    assert (al.start_date, al.end_date) == (DAY, last + timedelta(days=10))
    assert [(d - last).days for d in al.test_dates] == [1, 2, 3, 5, 7, 10]
    assert (al.age_hours, rows[1].age_hours) == (32, 2)
    assert al.case_id is not None and not al.ended and al.active_order_id is None
    assert rows[1].order_id == newer.id
    assert proposals.waiting(session, county(tree["C1A"]), None) == 2
    assert proposals.waiting(session, system_actor(), tree["C2A"]) == 1


def test_confirmed_orders_are_active_and_followed_up_like_direct_ones(session: Session) -> None:
    tree = small_tree(session)
    actor, now = county(tree["C1A"]), T0 + timedelta(days=2)
    a = propose(session, tree["C1A"], last=DAY, today=DAY, name="A")
    b = propose(session, tree["C1A"], last=DAY, today=DAY, name="B")
    done = proposals.decide(session, actor, decisions("confirm", a, b), now=now, today=now.date())
    assert done == sorted([a.id, b.id])
    assert statuses(session, a, b) == [("active", 2), ("active", 2)]
    assert (a.start_date, a.end_date) == (DAY, DAY + timedelta(days=10))  # dates kept
    # issued at the confirmation: not "silent for 24 h" on the day it was confirmed
    f = duelist.flags(now.date(), now + timedelta(hours=3), 24)
    due = duelist.summary(session, actor, None, f)
    assert (due.active, due.to_contact, due.non_reporting) == (2, 2, 0)
    assert proposals.waiting(session, actor, None) == 0
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "confirm")).all()
    assert [(e.entity_ids, e.jurisdiction_id) for e in events] == [(done, tree["C1A"].id)]


def test_a_stale_version_changes_nothing_in_the_batch(session: Session) -> None:
    tree = small_tree(session)
    a = propose(session, tree["C1A"], last=DAY, today=DAY, name="A")
    b = propose(session, tree["C1A"], last=DAY, today=DAY, name="B")
    body = ProposalDecisions.model_validate(
        {"decision": "confirm", "orders": [{"id": a.id, "version": 1}, {"id": b.id, "version": 9}]}
    )
    with pytest.raises(Problem) as caught:
        proposals.decide(session, county(tree["C1A"]), body, now=T0, today=DAY)
    assert caught.value.status == 409
    assert statuses(session, a, b) == [("proposed", 1), ("proposed", 1)]


def test_an_order_decided_already_fails_the_batch(session: Session) -> None:
    tree = small_tree(session)
    actor = county(tree["C1A"])
    a = propose(session, tree["C1A"], last=DAY, today=DAY, name="A")
    b = propose(session, tree["C1A"], last=DAY, today=DAY, name="B")
    proposals.decide(
        session, actor, decisions("cancel", a, reason="not a contact"), now=T0, today=DAY
    )
    with pytest.raises(Problem) as caught:
        proposals.decide(session, actor, decisions("confirm", b, a), now=T0, today=DAY)
    assert caught.value.status == 409 and "already cancelled" in caught.value.detail
    assert statuses(session, b) == [("proposed", 1)]


def test_another_countys_proposal_is_not_found_and_nothing_changes(session: Session) -> None:
    tree = small_tree(session)
    mine = propose(session, tree["C1A"], last=DAY, today=DAY, name="Mine")
    theirs = propose(session, tree["C2A"], last=DAY, today=DAY, name="Theirs")
    with pytest.raises(Problem) as caught:
        proposals.decide(
            session, county(tree["C1A"]), decisions("confirm", mine, theirs), now=T0, today=DAY
        )
    assert caught.value.status == 404
    assert statuses(session, mine, theirs) == [("proposed", 1), ("proposed", 1)]
    viewer = Actor(None, "v", "viewer", tree["C1A"].id, tree["C1A"].path)
    with pytest.raises(Problem) as refused:
        proposals.decide(session, viewer, decisions("confirm", mine), now=T0, today=DAY)
    assert refused.value.status == 403


def test_cancel_needs_a_reason_and_keeps_it(session: Session) -> None:
    tree = small_tree(session)
    a = propose(session, tree["C1A"], last=DAY, today=DAY)
    with pytest.raises(ValidationError, match="reason"):
        decisions("cancel", a)
    with pytest.raises(ValidationError, match="twice"):
        ProposalDecisions.model_validate(
            {"decision": "confirm", "orders": [{"id": a.id, "version": 1}] * 2}
        )
    user = make_user(session, "tracer", "investigator", "C1A")
    actor = actor_for(user)
    proposals.decide(
        session, actor, decisions("cancel", a, reason=" moved away "), now=T0, today=DAY
    )
    session.expire_all()
    cancelled = session.get_one(QuarantineOrder, a.id)
    assert (cancelled.status, cancelled.close_reason, cancelled.closed_by) == (
        "cancelled",
        "moved away",
        user.id,
    )


def test_a_period_already_over_cannot_be_confirmed(session: Session) -> None:
    tree = small_tree(session)
    a = propose(session, tree["C1A"], last=DAY, today=DAY, name="A")
    late = a.end_date + timedelta(days=1)
    rows, _ = proposals.list_proposals(session, system_actor(), None, FIRST, now=T0, today=late)
    assert rows[0].ended
    with pytest.raises(Problem) as caught:
        proposals.decide(session, system_actor(), decisions("confirm", a), now=T0, today=late)
    assert caught.value.status == 422 and caught.value.extensions["ended"] == [a.id]
    assert statuses(session, a) == [("proposed", 1)]


def test_confirming_into_a_facility_counts_on_its_board(session: Session) -> None:
    tree = small_tree(session)
    hotel = facilities.create_facility(
        session,
        system_actor(),
        FacilityCreate(name="Hotel", jurisdiction_code="C1A", rooms=[RoomIn(code="1", capacity=2)]),
    )
    a = propose(session, tree["C1A"], last=DAY - timedelta(days=1), today=DAY)
    body = decisions("confirm", a, kind="facility", facility_id=hotel.id)
    proposals.decide(session, county(tree["C1A"]), body, now=T0, today=DAY)
    board = facilities.occupancy(session, system_actor(), None, DAY, hotel.id)[0]
    assert board.arrivals_today == 1
    with pytest.raises(ValidationError):
        decisions("confirm", a, kind="home", facility_id=hotel.id)


def test_a_confirmed_contact_order_does_not_stop_isolating_the_case(session: Session) -> None:
    tree = small_tree(session)
    a = propose(session, tree["C1A"], last=DAY, today=DAY)
    proposals.decide(session, system_actor(), decisions("confirm", a), now=T0, today=DAY)
    assert a.case_id is not None  # tracing names the index case on the contact's order
    isolation = orders.create_isolation(
        session,
        system_actor(),
        IsolationCreate(case_id=a.case_id),
        profiles=load_profiles(),
        today=DAY,
    )
    assert isolation.purpose == "isolation" and isolation.status == "active"


def test_the_guarded_update_takes_back_a_partial_write(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision between the check and the write (another user's) leaves one row out of
    the UPDATE: the SAVEPOINT takes back the others."""
    tree = small_tree(session)
    a = propose(session, tree["C1A"], last=DAY, today=DAY, name="A")
    b = propose(session, tree["C1A"], last=DAY, today=DAY, name="B")
    monkeypatch.setattr(proposals, "_check", lambda *args: None)
    body = ProposalDecisions.model_validate(
        {"decision": "confirm", "orders": [{"id": a.id, "version": 1}, {"id": b.id, "version": 3}]}
    )
    with pytest.raises(Problem) as caught:
        proposals.decide(session, system_actor(), body, now=T0, today=DAY)
    assert caught.value.status == 409
    assert statuses(session, a, b) == [("proposed", 1), ("proposed", 1)]
