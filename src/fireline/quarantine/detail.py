"""One order as its reader sees it: the person under it (personal data, so the read is
audited), its test days and today's flags."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.people.models import Person
from fireline.quarantine import duelist, plans
from fireline.quarantine.days import today_in
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.orders import get_order
from fireline.quarantine.schemas import OrderDetail, OrderRead
from fireline.tracing.models import Contact


def order_detail(
    session: Session, context: Context, order_id: int, non_reporting_hours: float
) -> OrderDetail:
    """An order with its test dates and its flags today in the order's jurisdiction."""
    actor = context.actor
    order = get_order(session, actor, order_id)
    day = today_in(session, context, order.jurisdiction_id)
    flags = duelist.flags(day, context.now(), non_reporting_hours)
    audit.record(
        session,
        actor,
        "read",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
    )
    return OrderDetail(
        **OrderRead.model_validate(order).model_dump(),
        test_dates=plans.test_dates(order.last_exposure, order.test_mask),
        flags=duelist.order_flags(session, order.id, flags),
    )


def person_under(session: Session, actor: Actor, order: QuarantineOrder) -> Person:
    """The person under an order the actor has read (``get_order``); audited."""
    person = session.get_one(Person, order.person_id)
    audit.record(
        session,
        actor,
        "read",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        person=person.id,
    )
    return person


def person_language(session: Session, order: QuarantineOrder) -> str | None:
    """The language the person under an order asked for, for the self-report page (the
    page shows nothing else of the person)."""
    return session.get_one(Person, order.person_id).language


@dataclass(frozen=True)
class CaseLinks:
    """The cases an order page links to: the person's own case (isolated, or the case a
    quarantine converted into) and the index case a contact was listed under."""

    own: int | None
    index: int | None


def case_links(session: Session, order: QuarantineOrder) -> CaseLinks:
    """For an order the reader has read (``get_order``); ids only, pages check scope."""
    own = order.converted_case_id or (order.case_id if order.purpose == "isolation" else None)
    index = None
    if order.contact_id is not None:
        index = session.scalar(select(Contact.case_id).where(Contact.id == order.contact_id))
    elif order.purpose == "quarantine":
        index = order.case_id
    return CaseLinks(own=own, index=index)
