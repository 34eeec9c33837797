"""Cases, contacts and orders for quarantine tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.diseases import load_profiles
from fireline.places.models import Jurisdiction
from fireline.quarantine import orders
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.schemas import IsolationCreate, OrderCreate
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact
from fireline.tracing.proposals import ContactFacts, propose_orders
from tests.people.factories import make_person

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


def add_case(
    session: Session, place: Jurisdiction, *, onset: date | None = None, name: str = "Case Person"
) -> Case:
    person = make_person(session, place, name)
    case = Case(
        person_id=person.id,
        jurisdiction_id=place.id,
        disease="covid19",
        classification="confirmed",
        date_reporting=onset or T0.date(),
        date_onset=onset,
    )
    session.add(case)
    session.flush()
    return case


def add_contact(
    session: Session,
    case: Case,
    place: Jurisdiction,
    *,
    last: date,
    category: str = "close",
    name: str = "Contact Person",
) -> Contact:
    person = make_person(session, place, name)
    contact = Contact(
        case_id=case.id,
        person_id=person.id,
        category=category,
        date_last_exposure=last,
        jurisdiction_id=place.id,
    )
    session.add(contact)
    session.flush()
    return contact


def quarantine(
    session: Session, place: Jurisdiction, *, last: date, today: date, name: str = "Contact Person"
) -> QuarantineOrder:
    case = add_case(session, place)
    contact = add_contact(session, case, place, last=last, name=name)
    return orders.create_order(
        session,
        system_actor(),
        OrderCreate(contact_id=contact.id),
        profiles=load_profiles(),
        today=today,
    )


def propose(
    session: Session,
    place: Jurisdiction,
    *,
    last: date,
    today: date,
    name: str = "Contact Person",
    case: Case | None = None,
    at: datetime = T0,
) -> QuarantineOrder:
    """A listed contact's proposed order, written the way tracing writes it, proposed at ``at``."""
    case = case or add_case(session, place, name=f"Case of {name}")
    contact = add_contact(session, case, place, last=last, name=name)
    facts = ContactFacts(contact.id, contact.person_id, case.id, place.id, contact.category, last)
    assert not propose_orders(session, load_profiles()["covid19"], [facts], today)
    mine = QuarantineOrder.contact_id == contact.id
    session.execute(update(QuarantineOrder).where(mine).values(created_at=at))
    return session.scalars(select(QuarantineOrder).where(mine)).one()


def isolate(session: Session, place: Jurisdiction, *, onset: date, start: date) -> QuarantineOrder:
    case = add_case(session, place, onset=onset)
    return orders.create_isolation(
        session,
        system_actor(),
        IsolationCreate(case_id=case.id, start_date=start),
        profiles=load_profiles(),
        today=start,
    )


def other_county_records(session: Session, place: Jurisdiction, name: str) -> dict[str, int]:
    """An order (symptomatic, in a room) of ``name``, a proposed order of another ``name``,
    a facility, a hospital with an admission, for the every-endpoint scope test."""
    from fireline.care import service as care
    from fireline.care.schemas import AdmissionCreate, HospitalCreate
    from fireline.quarantine import facilities, followup
    from fireline.quarantine.schemas import FacilityCreate, FollowUpCreate, RoomIn
    from fireline.quarantine.settings import QuarantineSettings

    actor = system_actor()
    facility = facilities.create_facility(
        session,
        actor,
        FacilityCreate(
            name=name, jurisdiction_code=place.code, rooms=[RoomIn(code="1", capacity=2)]
        ),
    )
    order = quarantine(session, place, last=T0.date(), today=T0.date(), name=name)
    propose(session, place, last=T0.date(), today=T0.date(), name=name)  # the queue's
    followup.record(
        session,
        actor,
        order,
        FollowUpCreate(symptoms=["cough"]),
        channel="staff",
        now=T0,
        day=T0.date(),
        profiles=load_profiles(),
        settings=QuarantineSettings(),
    )
    hospital = care.create_hospital(
        session, actor, HospitalCreate(name=name, jurisdiction_code=place.code, beds_general=3)
    )
    stay = care.admit(
        session,
        actor,
        hospital.id,
        AdmissionCreate(person_id=order.person_id, bed_type="general", severity="mild"),
        now=T0,
    )
    return {
        "order_id": order.id,
        "facility_id": facility.id,
        "hospital_id": hospital.id,
        "admission_id": stay.id,
    }
