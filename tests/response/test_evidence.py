"""Tasks complete themselves when their evidence exists, at the evidence's own time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.diseases import load_profiles
from fireline.quarantine.proposals import decide
from fireline.quarantine.schemas import ProposalDecisions
from fireline.response.lights import utc
from fireline.response.models import ResponseTask
from fireline.response.service import sweep
from tests.places.factories import small_tree
from tests.response.factories import (
    T0,
    add_case,
    add_contact,
    add_order,
    add_sample,
    quarantine,
    settings,
)


def _tasks(session: Session) -> dict[str, ResponseTask]:
    session.expire_all()
    return {t.playbook_id: t for t in session.scalars(select(ResponseTask))}


def _sweep(session: Session, hours: float) -> int:
    return sweep(
        session, T0 + timedelta(hours=hours), profiles=load_profiles(), settings=settings()
    ).completed


def test_listing_contacts_completes_the_interview_and_the_list(session: Session) -> None:
    tree = small_tree(session)
    case = add_case(session, tree["C1A"])
    _sweep(session, 0)
    listed = T0 + timedelta(hours=5)
    first = add_contact(session, case, listed_at=listed)
    second = add_contact(session, case, listed_at=listed + timedelta(hours=1))
    assert _sweep(session, 6) == 2
    tasks = _tasks(session)
    assert tasks["interview"].status == tasks["contacts"].status == "done"
    assert tasks["interview"].evidence == "contacts"
    assert utc(tasks["interview"].completed_at or T0) == listed
    quarantine(session, first, start=T0.date(), entered=T0 + timedelta(hours=8))
    assert _sweep(session, 9) == 0  # one contact still without an order
    quarantine(session, second, start=T0.date(), entered=T0 + timedelta(hours=10))
    assert _sweep(session, 11) == 1
    assert _tasks(session)["quarantine"].evidence == "quarantine_orders"
    add_sample(session, first.person_id, case.jurisdiction_id, T0 + timedelta(hours=12))
    add_sample(session, second.person_id, case.jurisdiction_id, T0 + timedelta(hours=13))
    add_order(session, case.person_id, case.jurisdiction_id, start=T0.date(), entered=T0)
    assert _sweep(session, 14) == 2  # samples, and the case's own order (isolation)
    tasks = _tasks(session)
    assert {k for k, t in tasks.items() if t.status == "open"} == {"notify", "disinfect", "zones"}


def test_evidence_of_another_case_does_not_count(session: Session) -> None:
    tree = small_tree(session)
    case = add_case(session, tree["C1A"])
    other = add_case(session, tree["C1A"])
    _sweep(session, 0)
    add_contact(session, other, listed_at=T0)
    _sweep(session, 1)
    done = {
        (t.case_id, t.playbook_id)
        for t in session.scalars(select(ResponseTask).where(ResponseTask.status == "done"))
    }
    assert done == {(other.id, "interview"), (other.id, "contacts")}
    assert case.id not in {c for c, _ in done}


def test_a_proposed_order_is_no_quarantine_until_it_is_confirmed(session: Session) -> None:
    tree = small_tree(session)
    case = add_case(session, tree["C1A"])
    _sweep(session, 0)
    listed = T0 + timedelta(hours=1)
    contact = add_contact(session, case, listed_at=listed)
    order = add_order(
        session,
        contact.person_id,
        contact.jurisdiction_id,
        start=listed.date(),
        entered=listed,
        contact_id=contact.id,
        status="proposed",
    )
    _sweep(session, 2)
    assert _tasks(session)["quarantine"].status == "open"
    confirmed = T0 + timedelta(hours=20)
    body = ProposalDecisions.model_validate(
        {"decision": "confirm", "orders": [{"id": order.id, "version": order.version}]}
    )
    decide(session, system_actor(), body, now=confirmed, today=confirmed.date())
    assert _sweep(session, 21) == 1
    task = _tasks(session)["quarantine"]
    assert task.status == "done" and utc(task.completed_at or T0) == confirmed
