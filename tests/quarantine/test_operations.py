"""Quarantine operations by the right people: a facility's staff admit, move, follow up
and release the orders held at their facility, and nothing elsewhere; a release is
reviewed on its evidence and needs a reason; confirming contacts into a facility gives
each a free room, or refuses when there are too few; an empty report is refused."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import Actor, system_actor
from fireline.diseases import load_profiles
from fireline.errors import Forbidden, Problem
from fireline.lab.models import LabResult, Sample
from fireline.places.models import Jurisdiction
from fireline.quarantine import facilities, followup, operate, proposals, review, staff
from fireline.quarantine.models import QuarantineFacility, QuarantineOrder
from fireline.quarantine.schemas import (
    FacilityCreate,
    FollowUpCreate,
    OrderUpdate,
    ProposalDecisions,
    RoomIn,
)
from fireline.quarantine.settings import QuarantineSettings
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, isolate, propose, quarantine

DAY = T0.date()


def hotel(session: Session, place: Jurisdiction, name: str, rooms: int = 2) -> QuarantineFacility:
    return facilities.create_facility(
        session,
        system_actor(),
        FacilityCreate(
            name=name,
            jurisdiction_code=place.code,
            rooms=[RoomIn(code=f"{101 + n}", capacity=1) for n in range(rooms)],
        ),
    )


def room_ids(session: Session, facility: QuarantineFacility) -> list[int]:
    board = facilities.occupancy(session, system_actor(), None, DAY, facility.id)[0]
    return [room.id for room in board.rooms]


def desk_of(session: Session, username: str, facility: QuarantineFacility | None) -> Actor:
    user = make_user(session, username, "facility", "C1A")
    if facility is not None:
        staff.assign(session, system_actor(), user_id=user.id, facility_id=facility.id)
    place = session.get_one(Jurisdiction, user.jurisdiction_id)
    return Actor(user.id, user.username, "facility", place.id, place.path)


def arrival(session: Session, place: Jurisdiction, name: str) -> QuarantineOrder:
    """A facility order not yet placed in any facility: an arrival to admit."""
    order = quarantine(session, place, last=DAY, today=DAY, name=name)
    session.execute(
        update(QuarantineOrder).where(QuarantineOrder.id == order.id).values(kind="facility")
    )
    session.expire(order)
    return order


def test_facility_staff_admit_move_follow_up_and_release_at_their_facility(
    session: Session,
) -> None:
    tree = small_tree(session)
    mine = hotel(session, tree["C1A"], "Lakeside")
    desk = desk_of(session, "front-desk", mine)
    order = arrival(session, tree["C1A"], "Ann Guest")
    first, second = room_ids(session, mine)
    operate.assign_room(session, desk, order.id, version=order.version, room_id=first, today=DAY)
    assert (order.facility_id, order.room_id) == (mine.id, first)
    operate.assign_room(session, desk, order.id, version=order.version, room_id=second, today=DAY)
    assert order.room_id == second
    followup.staff_report(
        session,
        desk,
        order.id,
        FollowUpCreate(temperature=36.6),
        now=T0,
        day=DAY,
        profiles=load_profiles(),
        settings=QuarantineSettings(),
    )
    released = review.release_reviewed(
        session, desk, order.id, version=order.version, reason="negative twice", now=T0, today=DAY
    )
    assert (released.status, released.close_reason, released.closed_by) == (
        "released",
        "negative twice",
        desk.user_id,
    )
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.user_id == desk.user_id).order_by(AuditEvent.id)
    ).all()
    assert [a for a in actions if a in ("admit", "move_room", "create", "release")] == [
        "admit",
        "move_room",
        "create",
        "release",
    ]


def test_facility_staff_operate_nothing_outside_their_facility(session: Session) -> None:
    tree = small_tree(session)
    mine, other = hotel(session, tree["C1A"], "Lakeside"), hotel(session, tree["C1A"], "Hillside")
    desk = desk_of(session, "front-desk", mine)
    unattached = desk_of(session, "new-hire", None)
    elsewhere = arrival(session, tree["C1A"], "Bo Other")
    operate.assign_room(
        session,
        system_actor(),
        elsewhere.id,
        version=elsewhere.version,
        room_id=room_ids(session, other)[0],
        today=DAY,
    )
    at_home = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Cy Home")
    session.execute(
        update(QuarantineOrder).where(QuarantineOrder.id == at_home.id).values(kind="home")
    )
    session.expire(at_home)
    guest = arrival(session, tree["C1A"], "Di Guest")
    with pytest.raises(Forbidden):  # a room of a facility they do not work at
        operate.assign_room(
            session,
            desk,
            guest.id,
            version=guest.version,
            room_id=room_ids(session, other)[0],
            today=DAY,
        )
    for order in (elsewhere, at_home, guest):  # an arrival is admitted, not released
        with pytest.raises(Forbidden):
            review.release_reviewed(
                session, desk, order.id, version=order.version, reason="r", now=T0, today=DAY
            )
    with pytest.raises(Forbidden):  # no facility yet: nothing to operate
        operate.assign_room(
            session,
            unattached,
            guest.id,
            version=guest.version,
            room_id=room_ids(session, mine)[0],
            today=DAY,
        )
    with pytest.raises(Forbidden):  # dates, place and transfers stay with the case workers
        from fireline.quarantine import orders

        orders.update_order(
            session, desk, guest.id, OrderUpdate(version=guest.version), profiles=load_profiles()
        )
    assert session.get_one(QuarantineOrder, at_home.id).status == "active"


def test_a_release_needs_a_reason_and_leaves_nothing_without_one(session: Session) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY)
    for reason in ("", "   ", "x" * 501):
        with pytest.raises(Problem) as refused:
            review.release_reviewed(
                session,
                system_actor(),
                order.id,
                version=order.version,
                reason=reason,
                now=T0,
                today=DAY,
            )
        assert refused.value.status == 422
    assert session.get_one(QuarantineOrder, order.id).status == "active"


def _result(
    session: Session, order: QuarantineOrder, when: datetime, outcome: str, ct: float | None
) -> None:
    sample = Sample(
        barcode=f"R{when.timestamp():.0f}",
        person_id=order.person_id,
        disease="covid19",
        sample_type="swab",
        collected_at=when,
        jurisdiction_id=order.jurisdiction_id,
    )
    session.add(sample)
    session.flush()
    session.add(
        LabResult(
            sample_id=sample.id,
            test_type="pcr",
            outcome=outcome,
            ct_value=ct,
            resulted_at=when,
            jurisdiction_id=order.jurisdiction_id,
        )
    )
    session.flush()


def test_the_release_evidence_is_what_the_rule_reads(session: Session) -> None:
    tree = small_tree(session)
    order = isolate(session, tree["C1A"], onset=DAY - timedelta(days=2), start=DAY)
    _result(session, order, T0 - timedelta(days=1), "positive", 22.0)
    _result(session, order, T0 + timedelta(days=3), "negative", None)
    _result(session, order, T0 + timedelta(days=4), "negative", None)
    followup.record(
        session,
        system_actor(),
        order,
        FollowUpCreate(temperature=38.5),
        channel="staff",
        now=T0,
        day=DAY,
        profiles=load_profiles(),
        settings=QuarantineSettings(),
    )
    followup.record(
        session,
        system_actor(),
        order,
        FollowUpCreate(temperature=36.5),
        channel="staff",
        now=T0 + timedelta(days=1),
        day=DAY + timedelta(days=1),
        profiles=load_profiles(),
        settings=QuarantineSettings(),
    )
    now = T0 + timedelta(days=5)
    found = review.evidence(
        session, system_actor(), order.id, now=now, today=now.date(), profiles=load_profiles()
    )
    assert (found.onset, found.days_since_onset) == (DAY - timedelta(days=2), 7)
    assert (found.first_positive, found.days_since_first_positive) == (DAY - timedelta(days=1), 6)
    assert (found.fever_free_hours, found.reports, found.febrile_reports) == (96, 2, 1)
    assert [(t.positive, t.ct) for t in found.tests] == [(True, 22.0), (False, None), (False, None)]
    kinds = {c.kind: c.met for c in found.criteria}
    assert kinds["fever_free"] is True and kinds["clinical"] is False
    assert found.flagged is False  # the clinician has not signed symptoms off yet
    audited = session.scalars(
        select(AuditEvent.entity).where(AuditEvent.entity == "release_evidence")
    ).all()
    assert audited == ["release_evidence"]


def test_confirming_into_a_facility_gives_each_contact_a_free_room(session: Session) -> None:
    tree = small_tree(session)
    place = hotel(session, tree["C1A"], "Lakeside", rooms=3)
    full = room_ids(session, place)[0]
    guest = arrival(session, tree["C1A"], "Old Guest")
    operate.assign_room(
        session, system_actor(), guest.id, version=guest.version, room_id=full, today=DAY
    )
    waiting = [
        propose(session, tree["C1A"], last=DAY, today=DAY, name=f"New {n}") for n in range(2)
    ]
    decision = ProposalDecisions(
        decision="confirm",
        orders=[{"id": o.id, "version": o.version} for o in waiting],
        facility_id=place.id,
    )
    proposals.decide(session, system_actor(), decision, now=T0, today=DAY)
    session.expire_all()
    placed = [session.get_one(QuarantineOrder, o.id) for o in waiting]
    assert [o.room_id for o in placed] == room_ids(session, place)[1:]
    assert {(o.status, o.kind, o.facility_id) for o in placed} == {("active", "facility", place.id)}


def test_too_few_free_rooms_or_a_full_chosen_room_changes_nothing(session: Session) -> None:
    tree = small_tree(session)
    place = hotel(session, tree["C1A"], "Lakeside", rooms=2)
    waiting = [
        propose(session, tree["C1A"], last=DAY, today=DAY, name=f"New {n}") for n in range(3)
    ]
    picks = [{"id": o.id, "version": o.version} for o in waiting]
    with pytest.raises(Problem) as refused:
        proposals.plan_rooms(session, system_actor(), place.id, [o.id for o in waiting])
    assert (refused.value.status, refused.value.extensions["free_places"]) == (409, 2)
    with pytest.raises(Problem) as refused:
        proposals.decide(
            session,
            system_actor(),
            ProposalDecisions(decision="confirm", orders=picks, facility_id=place.id),
            now=T0,
            today=DAY,
        )
    assert refused.value.status == 409
    one_room = room_ids(session, place)[0]
    with pytest.raises(Problem) as refused:  # two people chosen for a room of one place
        proposals.decide(
            session,
            system_actor(),
            ProposalDecisions(
                decision="confirm",
                orders=picks[:2],
                facility_id=place.id,
                rooms={waiting[0].id: one_room, waiting[1].id: one_room},
            ),
            now=T0,
            today=DAY,
        )
    assert refused.value.status == 409 and (refused.value.detail or "").startswith("room 101")
    session.expire_all()
    assert {session.get_one(QuarantineOrder, o.id).status for o in waiting} == {"proposed"}


def test_an_empty_report_is_refused() -> None:
    with pytest.raises(ValidationError):
        FollowUpCreate()
    with pytest.raises(ValidationError):
        FollowUpCreate(note="   ")
    assert FollowUpCreate(reached=False).reached is False  # "could not be reached" says something
    assert FollowUpCreate(temperature=36.5).symptoms == []
