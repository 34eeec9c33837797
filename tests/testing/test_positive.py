"""A positive lab result for a person under quarantine: the investigator who owns the
contact is told and the conversion to isolation is proposed, never made by the lab;
set-based over a whole lab message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from fireline.auth.service import actor_for
from fireline.diseases import load_profiles
from fireline.places.models import Jurisdiction
from fireline.quarantine import duelist, plans
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.positives import service
from fireline.quarantine.positives.models import ConversionProposal
from fireline.quarantine.settings import QuarantineSettings
from fireline.surveillance.models import Case
from fireline.tracing.proposals import ContactFacts, propose_orders
from tests.auth.factories import make_user
from tests.people.factories import make_person
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, add_case, add_contact
from tests.quarantine.positive_factories import (
    DAY,
    contact_order,
    context_of,
    lab_actor,
    lab_results,
    positive_for,
)


def _flags_on(session: Session, order: QuarantineOrder) -> list[str]:
    day = plans.test_dates(order.last_exposure, order.test_mask)[0]
    now = T0 + (day - T0.date()) + timedelta(hours=1)
    hours = QuarantineSettings().non_reporting_hours
    return duelist.order_flags(session, order.id, duelist.flags(day, now, hours))


def test_positive_tells_the_owner_and_proposes_without_changing_the_order(
    session: Session,
) -> None:
    tree = small_tree(session)
    tracer = make_user(session, "tracer", "investigator", "C1A")
    other = make_user(session, "other", "investigator", "C1A")
    order = contact_order(session, tree["C1A"], owner_id=tracer.id, name="Ann Contact")
    assert "test_due" in _flags_on(session, order)
    positive_for(session, lab_actor(session), order)
    proposal = session.scalars(select(ConversionProposal)).one()
    case = session.scalars(select(Case).where(Case.person_id == order.person_id)).one()
    assert (proposal.order_id, proposal.owner_id, proposal.status) == (order.id, tracer.id, "open")
    assert proposal.case_id == case.id and proposal.index_case_id is not None
    session.refresh(order)
    assert order.status == "active" and order.converted_case_id is None
    # the order page shows the proposal, not "Test due"
    assert "test_due" not in _flags_on(session, order)
    mine, total = service.positives_among_contacts(session, context_of(actor_for(tracer)))
    assert total == 1 and mine[0].name == "Ann Contact" and mine[0].url.endswith(str(order.id))
    assert service.positives_among_contacts(session, context_of(actor_for(other)))[1] == 0
    everyone = service.positives_among_contacts(session, context_of(actor_for(other)), mine=False)
    assert everyone[1] == 1


def test_a_second_positive_never_proposes_twice_and_a_repeat_message_is_a_no_op(
    session: Session,
) -> None:
    tree = small_tree(session)
    order = contact_order(session, tree["C1A"])
    lab = lab_actor(session)
    positive_for(session, lab, order, message="M1")
    positive_for(session, lab, order, message="M2")
    assert session.scalar(select(func.count()).select_from(ConversionProposal)) == 1
    # nobody named: every investigator of the county sees it as theirs
    reader = actor_for(make_user(session, "tracer", "investigator", "C1A"))
    assert service.positives_count(session, context_of(reader)) == 1
    far = actor_for(make_user(session, "far", "investigator", "C2A"))
    assert service.positives_count(session, context_of(far), mine=False) == 0


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(str(args[2]))

    engine = session.connection().engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _many_under_quarantine(session: Session, n: int) -> tuple[Jurisdiction, list[QuarantineOrder]]:
    """``n`` contacts of one case with active orders, written as tracing writes them."""
    place = small_tree(session)["C1A"]
    index = add_case(session, place)
    contacts = [add_contact(session, index, place, last=DAY, name=f"C{i}") for i in range(n)]
    facts = [ContactFacts(c.id, c.person_id, index.id, place.id, c.category, DAY) for c in contacts]
    assert not propose_orders(session, load_profiles()["covid19"], facts, DAY)
    session.execute(update(QuarantineOrder).values(status="active"))
    return place, list(session.scalars(select(QuarantineOrder).order_by(QuarantineOrder.id)))


def test_a_file_of_many_results_proposes_in_one_statement(session: Session) -> None:
    """80 people under quarantine, 50 of them positive, 30 negative, and 20 positives of
    people under no order: 50 proposals, written by one INSERT ... SELECT."""
    place, quarantined = _many_under_quarantine(session, 80)
    place_id = place.id
    free = [make_person(session, place, f"Free {n}") for n in range(20)]
    people = [(o.person_id, place_id, "positive") for o in quarantined[:50]]
    people += [(o.person_id, place_id, "negative") for o in quarantined[50:]]
    people += [(p.id, place_id, "positive") for p in free]
    lab = lab_actor(session)
    with statements(session) as seen:
        lab_results(session, lab, people, message="big")
    inserts = [s for s in seen if s.lstrip().upper().startswith("INSERT INTO CONVERSION_PROPOSALS")]
    assert len(inserts) == 1
    proposed = session.scalars(select(ConversionProposal.order_id)).all()
    assert sorted(proposed) == sorted(o.id for o in quarantined[:50])
    active = (
        select(func.count()).select_from(QuarantineOrder).where(QuarantineOrder.status == "active")
    )
    assert session.scalar(active) == 80
