"""Orders from the profile's rule, bad dates, rooms over capacity, extension, release,
conversion to a suspected case, transfers, automatic completion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor, system_actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.diseases import load_profiles
from fireline.errors import Problem
from fireline.listing import ListQuery
from fireline.quarantine import facilities, followup, orders, outcomes, plans
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.schemas import FacilityCreate, FollowUpCreate, OrderCreate, RoomIn
from fireline.quarantine.settings import QuarantineSettings
from fireline.settings import Settings
from fireline.surveillance.models import Case
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, add_case, add_contact, quarantine

DAY = T0.date()


def test_close_contact_gets_the_profile_dates_and_test_days(session: Session) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY - timedelta(days=1), today=DAY)
    # COVID-19 close contact: 7 days facility + 3 days home monitoring (NHC plan 9)
    assert order.end_date == DAY + timedelta(days=9)
    assert order.kind == "facility"
    assert order.start_date == DAY
    assert order.last_exposure is not None
    tests = plans.test_dates(order.last_exposure, order.test_mask)
    assert [(d - order.last_exposure).days for d in tests] == [1, 2, 3, 5, 7, 10]


def test_end_before_start_is_refused_and_nothing_is_stored(session: Session) -> None:
    tree = small_tree(session)
    case = add_case(session, tree["C1A"])
    contact = add_contact(session, case, tree["C1A"], last=DAY)
    before = session.scalar(select(QuarantineOrder.id).limit(1))
    body = OrderCreate(contact_id=contact.id, start_date=DAY, end_date=DAY - timedelta(days=1))
    with pytest.raises(Problem, match="end date is before the start"):
        orders.create_order(session, system_actor(), body, profiles=load_profiles(), today=DAY)
    assert session.scalar(select(QuarantineOrder.id).limit(1)) == before


def test_a_full_room_refuses_the_next_person(session: Session) -> None:
    tree = small_tree(session)
    body = FacilityCreate(
        name="Hotel", jurisdiction_code="C1A", rooms=[RoomIn(code="101", capacity=1)]
    )
    facility = facilities.create_facility(session, system_actor(), body)
    room = facilities.occupancy(session, system_actor(), None, DAY, facility.id)[0].rooms[0]
    case = add_case(session, tree["C1A"])
    first = add_contact(session, case, tree["C1A"], last=DAY, name="A")
    second = add_contact(session, case, tree["C1A"], last=DAY, name="B")
    profiles = load_profiles()
    orders.create_order(
        session,
        system_actor(),
        OrderCreate(contact_id=first.id, room_id=room.id),
        profiles=profiles,
        today=DAY,
    )
    with pytest.raises(Problem, match="room 101 is full"):
        orders.create_order(
            session,
            system_actor(),
            OrderCreate(contact_id=second.id, room_id=room.id),
            profiles=profiles,
            today=DAY,
        )
    board = facilities.occupancy(session, system_actor(), None, DAY, facility.id)[0]
    assert (board.capacity, board.occupied, board.arrivals_today) == (1, 1, 1)


def test_extension_recounts_from_the_new_exposure_and_never_shortens(session: Session) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY)
    later = DAY + timedelta(days=4)
    extended = orders.extend_order(
        session,
        system_actor(),
        order.id,
        version=order.version,
        last_exposure=later,
        profiles=load_profiles(),
    )
    assert extended.end_date == later + timedelta(days=10)
    with pytest.raises(Problem):
        orders.extend_order(
            session,
            system_actor(),
            order.id,
            version=extended.version,
            last_exposure=DAY,
            profiles=load_profiles(),
        )


def test_stale_version_is_a_conflict(session: Session) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY)
    with pytest.raises(Problem) as caught:
        outcomes.release(
            session,
            system_actor(),
            order.id,
            version=order.version + 5,
            reason="early",
            now=T0,
            today=DAY,
        )
    assert caught.value.status == 409


def test_symptomatic_contact_becomes_a_suspected_case_with_the_onset(session: Session) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY)
    report = FollowUpCreate(temperature=38.2, symptoms=["cough"])
    followup.record(
        session,
        system_actor(),
        order,
        report,
        channel="staff",
        now=T0,
        day=DAY + timedelta(days=2),
        profiles=load_profiles(),
        settings=QuarantineSettings(),
    )
    session.refresh(order)
    assert order.last_report_symptomatic and order.onset_date == DAY + timedelta(days=2)
    done, case = outcomes.convert(
        session,
        # the day of the symptomatic report: a case's onset is never after its clock's today
        Context.for_system(Settings(), FrozenClock(T0 + timedelta(days=2))),
        order.id,
        version=order.version,
        onset=None,
        today=DAY + timedelta(days=2),
    )
    assert done.status == "converted" and done.converted_case_id == case.id
    stored = session.get_one(Case, case.id)
    assert (stored.classification, stored.date_onset) == ("suspected", DAY + timedelta(days=2))


def test_unknown_symptom_is_refused(session: Session) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY)
    with pytest.raises(Problem, match="unknown symptoms"):
        followup.record(
            session,
            system_actor(),
            order,
            FollowUpCreate(symptoms=["hiccups"]),
            channel="staff",
            now=T0,
            day=DAY,
            profiles=load_profiles(),
            settings=QuarantineSettings(),
        )


def test_transfer_moves_the_order_and_both_sides_list_it(session: Session) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY)
    moved = outcomes.transfer(
        session,
        system_actor(),
        order.id,
        version=order.version,
        to_code="C2A",
        reason="lives there",
        now=T0,
    )
    assert order.jurisdiction_id == tree["C2A"].id
    assert (moved.jurisdiction_id, moved.to_jurisdiction_id) == (tree["C1A"].id, tree["C2A"].id)


def test_finished_orders_with_a_clean_last_report_complete(session: Session) -> None:
    tree = small_tree(session)
    clean = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Clean")
    silent = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Silent")
    followup.record(
        session,
        system_actor(),
        clean,
        FollowUpCreate(temperature=36.5),
        channel="staff",
        now=T0,
        day=DAY,
        profiles=load_profiles(),
        settings=QuarantineSettings(),
    )
    after = clean.end_date + timedelta(days=1)
    assert outcomes.complete_finished(session, after, T0) == 1
    session.expire_all()
    assert session.get_one(QuarantineOrder, clean.id).status == "completed"
    assert session.get_one(QuarantineOrder, silent.id).status == "active"


def test_transfer_lines_name_the_person_only_where_the_order_now_is(session: Session) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Ann Contact")
    outcomes.transfer(
        session,
        system_actor(),
        order.id,
        version=order.version,
        to_code="C2A",
        reason="lives there",
        now=T0,
    )

    def actor(code: str, role: str = "investigator") -> Actor:
        return Actor(None, code, role, tree[code].id, tree[code].path)

    every = ListQuery(limit=10)
    sent, _ = outcomes.transfer_rows(session, actor("C1A"), "out", every)
    assert [(r.transfer.order_id, r.name, r.status) for r in sent] == [(order.id, None, None)]
    got, total = outcomes.transfer_rows(session, actor("C2A"), "in", every)
    assert total == 1
    assert [(r.name, r.status, r.source.code, r.target.code) for r in got] == [
        ("Ann Contact", "active", "C1A", "C2A")
    ]
    seen_by_viewer, _ = outcomes.transfer_rows(session, actor("C2A", "viewer"), "in", every)
    assert (seen_by_viewer[0].name, seen_by_viewer[0].status) == (None, "active")
    assert outcomes.transfer_rows(session, actor("C1A"), "in", every) == ([], 0)
    province = actor("P")
    assert outcomes.transfer_rows(session, province, "out", every, tree["C2A"]) == ([], 0)
    assert outcomes.transfer_rows(session, province, "in", every, tree["C2"])[1] == 1
    history = outcomes.order_transfers(session, actor("C2A"), order.id)
    assert [m.transfer.reason for m in history] == ["lives there"]
    with pytest.raises(Problem) as caught:
        outcomes.order_transfers(session, actor("C1A"), order.id)
    assert caught.value.status == 404
