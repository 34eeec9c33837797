"""Listing contacts: match or create the person, check the dates, propose quarantine.

A contact listed from an interview is refused as a whole (nothing stored) when its
category is not in the case's profile, its last exposure is after the case was
isolated, it is the case's own person, or it is listed twice for the same case.
"""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, Problem
from fireline.people.models import Person
from fireline.people.service import PersonDetails, find_or_create
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.surveillance.intake.values import phone_digits
from fireline.surveillance.models import Case
from fireline.tracing import links
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


def _check(session: Session, case: Case, profile: DiseaseProfile, data: ContactCreate) -> None:
    codes = [c.code for c in profile.contact_categories]
    if data.category not in codes:
        raise Problem(
            422,
            f"{case.disease} has no contact category {data.category!r}; known: {', '.join(codes)}",
        )
    interview = session.scalars(select(Interview).where(Interview.case_id == case.id)).first()
    isolated = isolation_day(session, case, interview)
    if isolated is not None and data.date_last_exposure > isolated:
        raise Problem(
            422,
            f"the last exposure {data.date_last_exposure.isoformat()} is after the case was "
            f"isolated on {isolated.isoformat()}: a contact cannot be exposed by an isolated case",
        )
    if data.source_contact_id is not None:
        source = session.get(Contact, data.source_contact_id)
        if source is None or source.case_id != case.id:
            raise Problem(
                422, f"contact {data.source_contact_id} is not a contact of case {case.id}"
            )


def list_contact(
    session: Session, context: Context, case_id: int, data: ContactCreate
) -> ContactRead:
    """List one contact of a case and propose its quarantine order, dated from today in
    the case's jurisdiction."""
    actor = context.actor
    actor.require("cases:write")
    actor.require("persons:write")
    case = case_in_scope(session, actor, case_id)
    profile = profile_of(case, context.profiles)
    _check(session, case, profile, data)
    person, created = person_for(session, actor, data, case.jurisdiction_id)
    if person.id == case.person_id:
        raise Problem(422, "a case cannot be its own contact")
    twice = select(Contact.id).where(Contact.case_id == case.id, Contact.person_id == person.id)
    if session.scalar(twice) is not None:
        raise Conflict(f"person {person.id} is already a contact of case {case.id}")
    contact = Contact(
        case_id=case.id,
        person_id=person.id,
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
        person.id,
        case.id,
        case.jurisdiction_id,
        contact.category,
        contact.date_last_exposure,
    )
    today = context.today(session.get_one(Jurisdiction, case.jurisdiction_id))
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
        person=person.id,
        person_created=created,
    )
    read = contacts_of(session, actor, case.id, contact_id=contact.id)[0]
    return read.model_copy(update={"order_note": skipped.get(contact.id)})


def contacts_of(
    session: Session, actor: Actor, case_id: int, contact_id: int | None = None
) -> list[ContactRead]:
    """A case's contacts (both tiers) with their person, own case and proposed order."""
    actor.require("persons:read")
    case = case_in_scope(session, actor, case_id)
    own = aliased(Case)
    order = QuarantineOrder
    statement = (
        select(Contact, Person.name, own.id, order)
        .join(Person, Person.id == Contact.person_id)
        .outerjoin(
            own,
            and_(
                own.person_id == Contact.person_id,
                own.disease == case.disease,
                actor.covers(own.jurisdiction_id),
            ),
        )
        .outerjoin(order, and_(order.contact_id == Contact.id, order.status != "cancelled"))
        .where(Contact.case_id == case.id)
        .order_by(Contact.source_contact_id.is_not(None), Contact.id)
    )
    if contact_id is not None:
        statement = statement.where(Contact.id == contact_id)
    rows = session.execute(actor.restrict(statement, Contact)).all()
    audit.record(
        session,
        actor,
        "read",
        "contact",
        [r[0].id for r in rows],
        jurisdiction_id=case.jurisdiction_id,
        case=case.id,
    )
    seen: dict[int, ContactRead] = {}
    for contact, name, own_case, o in rows:
        if contact.id in seen:
            continue
        proposed = (
            None
            if o is None
            else ProposedOrder(
                id=o.id, kind=o.kind, start_date=o.start_date, end_date=o.end_date, status=o.status
            )
        )
        seen[contact.id] = ContactRead(
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
    return list(seen.values())
