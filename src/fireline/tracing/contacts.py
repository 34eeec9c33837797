"""Listing contacts: match or create the person, check the dates, propose quarantine.

A contact listed from an interview is refused as a whole (nothing stored) when its
category is not in the case's profile, its last exposure is after the case was
isolated, it is the case's own person, or it is listed twice for the same case.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.diseases.schemas import DiseaseProfile
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.people.models import Person
from fireline.people.service import PersonDetails, find_or_create
from fireline.people.values import phone_digits
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.surveillance.models import Case
from fireline.tracing import checks, links
from fireline.tracing.checks import Refused
from fireline.tracing.interviews import case_in_scope, isolation_day, profile_of
from fireline.tracing.models import Contact, Interview
from fireline.tracing.proposals import ContactFacts, propose_orders
from fireline.tracing.schemas import ContactCreate, ContactRead, ProposedOrder


def person_for(
    session: Session, actor: Actor, data: ContactCreate, jurisdiction_id: int
) -> tuple[Person, bool]:
    """The contact's person: in scope by id, or the person in scope with the same national
    ID, else the same name and phone, or a new one sent to matching (``people.service``)."""
    if data.person_id is not None:
        found: Person = actor.get(session, Person, data.person_id, f"person {data.person_id}")
        return found, False
    details = data.person
    assert details is not None  # the schema requires one of the two
    person = PersonDetails(
        name=details.name,
        national_id=details.national_id,
        sex=details.sex,
        birth_date=details.birth_date,
        phone=phone_digits(details.phone) if details.phone else None,
        address=details.address,
    )
    made = find_or_create(session, actor, person, jurisdiction_id, by_name_phone=True)
    return made.person, made.created


def _check(
    session: Session, case: Case, profile: DiseaseProfile, data: ContactCreate, today: date
) -> None:
    """Refuse the contact field by field before anything is written (``tracing.checks``)."""
    codes = [c.code for c in profile.contact_categories]
    if data.category not in codes:
        raise Refused(
            "category",
            "This disease has no contact category '%(code)s'; choose one of: %(known)s.",
            code=data.category,
            known=", ".join(codes),
        )
    checks.not_in_future("date_last_exposure", data.date_last_exposure, today)
    interview = session.scalars(select(Interview).where(Interview.case_id == case.id)).first()
    checks.not_before(
        "date_last_exposure",
        isolation_day(session, case, interview),
        data.date_last_exposure,
        "The last exposure %(earlier)s is after the case was isolated on %(later)s: "
        "an isolated case exposes no one.",
    )
    if data.source_contact_id is not None:
        source = session.get(Contact, data.source_contact_id)
        if source is None or source.case_id != case.id:
            raise Refused("source_contact_id", "This is not a contact of this case.")
    if data.person is not None and data.person.phone:
        checks.phone_number("phone", data.person.phone)
    if data.person is not None and data.person.national_id:
        checks.resident_id("national_id", data.person.national_id, today)


def _refuse_twice(session: Session, case: Case, person_id: int) -> None:
    if person_id == case.person_id:
        raise Refused("person", "A case cannot be its own contact.")
    twice = select(Contact.id).where(Contact.case_id == case.id, Contact.person_id == person_id)
    if session.scalar(twice) is not None:
        raise Refused(
            "person", "This person is already listed as a contact of this case.", status=409
        )


def list_contact(
    session: Session, context: Context, case_id: int, data: ContactCreate
) -> ContactRead:
    """List one contact of a case and propose its quarantine order, dated from today in
    the case's jurisdiction. A refusal leaves nothing behind (a savepoint), not even a
    person made for it, so the page can say it and carry on."""
    actor = context.actor
    actor.require("cases:write")
    actor.require("persons:write")
    case = case_in_scope(session, actor, case_id)
    profile = profile_of(case, context.profiles)
    today = context.today(session.get_one(Jurisdiction, case.jurisdiction_id))
    _check(session, case, profile, data, today)
    with session.begin_nested():
        person, created = person_for(session, actor, data, case.jurisdiction_id)
        _refuse_twice(session, case, person.id)
    return _store(session, context, case, profile, data, (person.id, created), today)


def _store(
    session: Session,
    context: Context,
    case: Case,
    profile: DiseaseProfile,
    data: ContactCreate,
    person: tuple[int, bool],
    today: date,
) -> ContactRead:
    actor = context.actor
    person_id, created = person
    contact = Contact(
        case_id=case.id,
        person_id=person_id,
        jurisdiction_id=case.jurisdiction_id,
        category=data.category,
        setting=data.setting,
        relation=data.relation,
        date_first_exposure=data.date_first_exposure,
        date_last_exposure=data.date_last_exposure,
        source_contact_id=data.source_contact_id,
        listed_by=actor.user_id,
    )
    session.add(contact)
    session.flush()
    facts = ContactFacts(
        contact.id,
        person_id,
        case.id,
        case.jurisdiction_id,
        contact.category,
        contact.date_last_exposure,
    )
    skipped = propose_orders(session, profile, [facts], today)
    links.link_contacts_who_became_cases(session, contact_ids=[contact.id])
    audit.record(
        session,
        actor,
        "create",
        "contact",
        [contact.id],
        jurisdiction_id=case.jurisdiction_id,
        case=case.id,
        person=person_id,
        person_created=created,
    )
    read = contact_of(session, actor, case, contact.id)
    return read.model_copy(update={"order_note": skipped.get(contact.id)})


def _in_listed_order(query: ListQuery) -> ListQuery:
    """Unless the reader chose a sort, the order they were listed in: contacts first,
    then contacts of contacts."""
    return query if query.sort else replace(query, sort="listed", descending=False)


CONTACTS = ListSpec(
    sorts={
        "listed": (Contact.source_contact_id.is_not(None), Contact.id),
        "name": (Person.name, Contact.id),
        "category": (Contact.category, Contact.id),
        "last_exposure": (Contact.date_last_exposure, Contact.id),
    },
    default_sort="listed",
    filters={
        "category": lambda v: Contact.category == v,
        "setting": lambda v: Contact.setting == v,
    },
    search=lambda text: [Person.name.icontains(text, autoescape=True)],
)


def _rows(actor: Actor, case: Case) -> Select[Any]:
    """A row per contact of the case: the contact, the person's name, the person's own
    case of the disease in scope (the first) and the contact's order (the latest not
    cancelled)."""
    own = (
        select(func.min(Case.id))
        .where(
            Case.person_id == Contact.person_id,
            Case.disease == case.disease,
            actor.covers(Case.jurisdiction_id),
        )
        .scalar_subquery()
    )
    other = aliased(QuarantineOrder)
    latest = (
        select(func.max(other.id))
        .where(other.contact_id == Contact.id, other.status != "cancelled")
        .scalar_subquery()
    )
    statement = (
        select(Contact, Person.name, own, QuarantineOrder)
        .join(Person, Person.id == Contact.person_id)
        .outerjoin(QuarantineOrder, QuarantineOrder.id == latest)
        .where(Contact.case_id == case.id)
    )
    return actor.restrict(statement, Contact)


def contacts_of(
    session: Session, actor: Actor, case_id: int, query: ListQuery
) -> tuple[list[ContactRead], int]:
    """A page of a case's contacts (both tiers) with their person, own case and proposed
    order, and how many there are. Personal data: the read is audited."""
    actor.require("persons:read")
    case = case_in_scope(session, actor, case_id)
    rows, total = search_filter_sort_paginate(
        session, _rows(actor, case), CONTACTS, _in_listed_order(query), scalars=False
    )
    _audit_read(session, actor, case, [row[0].id for row in rows])
    return [_read(*row) for row in rows], total


def contact_of(session: Session, actor: Actor, case: Case, contact_id: int) -> ContactRead:
    """One contact of a case, as the list shows it (audited)."""
    row = session.execute(_rows(actor, case).where(Contact.id == contact_id)).one()
    _audit_read(session, actor, case, [contact_id])
    return _read(*row)


def _audit_read(session: Session, actor: Actor, case: Case, ids: list[int]) -> None:
    audit.record(
        session, actor, "read", "contact", ids, jurisdiction_id=case.jurisdiction_id, case=case.id
    )


def _read(
    contact: Contact, name: str, own_case: int | None, order: QuarantineOrder | None
) -> ContactRead:
    proposed = None
    if order is not None:
        proposed = ProposedOrder(
            id=order.id,
            kind=order.kind,
            start_date=order.start_date,
            end_date=order.end_date,
            status=order.status,
        )
    return ContactRead(
        id=contact.id,
        case_id=contact.case_id,
        person_id=contact.person_id,
        person_name=name,
        category=contact.category,
        setting=contact.setting,
        relation=contact.relation,
        date_first_exposure=contact.date_first_exposure,
        date_last_exposure=contact.date_last_exposure,
        source_contact_id=contact.source_contact_id,
        person_case_id=own_case,
        order=proposed,
    )
