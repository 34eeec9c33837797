"""Today's due list and the flags, set-based, and the isolation release flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.diseases import load_profiles
from fireline.lab.models import LabResult, Sample
from fireline.listing import ListQuery
from fireline.quarantine import duelist, followup, orders
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.release import list_release_flags, release_flags
from fireline.quarantine.schemas import FollowUpCreate, OrderUpdate
from fireline.quarantine.settings import QuarantineSettings
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, isolate, quarantine

DAY = T0.date()


def _report(session: Session, order, when: datetime, **values: object) -> None:  # type: ignore[no-untyped-def]
    followup.record(
        session,
        system_actor(),
        order,
        FollowUpCreate(**values),
        channel="self",
        now=when,
        day=when.date(),
        profiles=load_profiles(),
        settings=QuarantineSettings(),
    )


def test_due_list_counts_and_orders_the_flagged_first(session: Session) -> None:
    tree = small_tree(session)
    last = DAY - timedelta(days=1)
    quiet = quarantine(session, tree["C1A"], last=last, today=DAY, name="Quiet")
    sick = quarantine(session, tree["C1A"], last=last, today=DAY, name="Sick")
    fine = quarantine(session, tree["C1A"], last=last, today=DAY, name="Fine")
    quarantine(session, tree["C2A"], last=last, today=DAY, name="Elsewhere")
    now = T0 + timedelta(days=1, hours=2)  # day 2 after the exposure: a test day
    _report(session, sick, now, symptoms=["cough"])
    _report(session, fine, now, temperature=36.6)
    session.execute(
        update(QuarantineOrder)
        .where(QuarantineOrder.id == quiet.id)
        .values(created_at=T0 - timedelta(days=2))
    )
    f = duelist.flags(now.date(), now, 24)
    counts = duelist.summary(session, system_actor(), tree["C1A"], f)
    assert (counts.active, counts.to_contact, counts.test_due) == (3, 1, 3)
    assert (counts.non_reporting, counts.symptomatic) == (1, 1)
    rows, total = duelist.due_rows(
        session,
        system_actor(),
        tree["C1A"],
        f,
        which="flagged",
        assignee_id=None,
        limit=10,
        offset=0,
    )
    assert total == 2 and [r.name for r in rows] == ["Sick", "Quiet"]
    owners = duelist.summary_by_owner(session, system_actor(), f)
    assert sum(row[2] for row in owners) == 4


def _negative(session: Session, order, when: datetime) -> None:  # type: ignore[no-untyped-def]
    sample = Sample(
        barcode=f"B{when.timestamp():.0f}",
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
            outcome="negative",
            resulted_at=when,
            jurisdiction_id=order.jurisdiction_id,
        )
    )
    session.flush()


def test_release_flag_appears_when_the_rule_is_met_and_not_before(session: Session) -> None:
    tree = small_tree(session)
    order = isolate(session, tree["C1A"], onset=DAY, start=DAY)
    _report(session, order, T0 + timedelta(days=2), temperature=36.5)
    _negative(session, order, T0 + timedelta(days=3))
    _negative(session, order, T0 + timedelta(days=4))
    profiles = load_profiles()

    def flagged(at: datetime) -> list[int]:
        found = release_flags(
            session, system_actor(), None, now=at, today=at.date(), profiles=profiles
        )
        return [f.order_id for f in found]

    order = orders.update_order(
        session,
        system_actor(),
        order.id,
        OrderUpdate(version=order.version, clinical=["respiratory_symptoms_improved"]),
        profiles=profiles,
    )
    # fever-free since day 2: 72 h are up on day 5
    assert flagged(T0 + timedelta(days=4, hours=12)) == []
    assert flagged(T0 + timedelta(days=5, hours=1)) == [order.id]
    # an extended isolation date suppresses the flag until then
    orders.update_order(
        session,
        system_actor(),
        order.id,
        OrderUpdate(version=order.version, review_after=DAY + timedelta(days=8)),
        profiles=profiles,
    )
    assert flagged(T0 + timedelta(days=6)) == []
    assert flagged(datetime(2026, 3, 9, 3, tzinfo=UTC)) == [order.id]


def _releasable(session: Session, place, start_day: int) -> int:  # type: ignore[no-untyped-def]
    """An isolation in ``place``, begun ``start_day`` days after DAY, whose rule is met by
    day 10 (fever-free, two negative tests, symptoms improved)."""
    began = T0 + timedelta(days=start_day)
    order = isolate(session, place, onset=began.date(), start=began.date())
    _report(session, order, began + timedelta(days=1), temperature=36.5)
    _negative(session, order, began + timedelta(days=2, minutes=start_day))
    _negative(session, order, began + timedelta(days=3, minutes=start_day))
    order = orders.update_order(
        session,
        system_actor(),
        order.id,
        OrderUpdate(version=order.version, clinical=["respiratory_symptoms_improved"]),
        profiles=load_profiles(),
    )
    return order.id


def test_release_flags_come_in_pages_under_the_chosen_place(session: Session) -> None:
    tree = small_tree(session)
    first = _releasable(session, tree["C1A"], 0)
    second = _releasable(session, tree["C1B"], 1)
    _releasable(session, tree["C2A"], 2)
    at = T0 + timedelta(days=10)

    def page(place, query: ListQuery) -> tuple[list[int], int]:  # type: ignore[no-untyped-def]
        found, total = list_release_flags(
            session,
            system_actor(),
            place,
            query,
            now=at,
            today=at.date(),
            profiles=load_profiles(),
        )
        return [f.order_id for f in found], total

    assert page(tree["C1"], ListQuery()) == ([first, second], 2)  # isolated longest first
    assert page(tree["C1"], ListQuery(limit=1, offset=1)) == ([second], 2)
    assert page(tree["C1"], ListQuery(sort="isolated")) == ([second, first], 2)
    assert page(None, ListQuery())[1] == 3
    assert page(tree["C2B"], ListQuery()) == ([], 0)
