"""Cases, contacts, orders and samples on hand-made timelines, for response tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.lab.models import Sample
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.response.settings import ResponseSettings
from fireline.settings import Settings
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact
from tests.people.factories import make_person

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
"""The instant the hand-made cases are entered (confirmed)."""


def settings(**overrides: object) -> ResponseSettings:
    values: dict[str, object] = {"webhook_url": None, "smtp_host": None, **overrides}
    return ResponseSettings(**values)  # type: ignore[arg-type]


def context_at(moment: datetime, actor: Actor | None = None) -> Context:
    """The context of ``actor`` (default: the system) with the clock standing at ``moment``."""
    system = Context.for_system(Settings(), FrozenClock(moment))
    return system if actor is None else replace(system, actor=actor)


def add_case(
    session: Session,
    place: Jurisdiction,
    *,
    disease: str = "covid19",
    reported: date | None = None,
    onset: date | None = None,
    entered: datetime = T0,
    classification: str = "confirmed",
    person: Person | None = None,
    imported: bool = False,
) -> Case:
    case = Case(
        person_id=(person or make_person(session, place)).id,
        disease=disease,
        classification=classification,
        date_reporting=reported or entered.date(),
        date_onset=onset,
        jurisdiction_id=place.id,
        imported=imported,
        created_at=entered,
    )
    session.add(case)
    session.flush()
    return case


def add_contact(
    session: Session,
    case: Case,
    *,
    listed_at: datetime,
    person: Person | None = None,
    place_id: int | None = None,
) -> Contact:
    jurisdiction_id = place_id or case.jurisdiction_id
    if person is None:
        person = Person(name="Contact Person", jurisdiction_id=jurisdiction_id)
        session.add(person)
        session.flush()
    contact = Contact(
        case_id=case.id,
        person_id=person.id,
        category="close",
        date_last_exposure=listed_at.date() - timedelta(days=1),
        listed_at=listed_at,
        jurisdiction_id=jurisdiction_id,
    )
    session.add(contact)
    session.flush()
    return contact


def add_order(
    session: Session,
    person_id: int,
    jurisdiction_id: int,
    *,
    start: date,
    entered: datetime,
    contact_id: int | None = None,
    days: int = 7,
    status: str = "active",
) -> QuarantineOrder:
    order = QuarantineOrder(
        person_id=person_id,
        contact_id=contact_id,
        status=status,
        kind="home",
        start_date=start,
        end_date=start + timedelta(days=days),
        jurisdiction_id=jurisdiction_id,
        created_at=entered,
    )
    session.add(order)
    session.flush()
    return order


def quarantine(session: Session, contact: Contact, *, start: date, entered: datetime) -> None:
    add_order(
        session,
        contact.person_id,
        contact.jurisdiction_id,
        start=start,
        entered=entered,
        contact_id=contact.id,
    )


_barcodes = iter(range(1, 10**9))


def add_sample(session: Session, person_id: int, place_id: int, collected: datetime) -> Sample:
    sample = Sample(
        barcode=f"T{next(_barcodes):09d}",
        person_id=person_id,
        disease="covid19",
        sample_type="swab",
        collected_at=collected,
        jurisdiction_id=place_id,
    )
    session.add(sample)
    session.flush()
    return sample


def open_overdue_response(session: Session, place: Jurisdiction) -> dict[str, int]:
    """A confirmed case's response in ``place`` with overdue tasks escalated (scope tests)."""
    from sqlalchemy import select

    from fireline.diseases import load_profiles
    from fireline.response.models import ResponseNotification
    from fireline.response.service import sweep

    add_case(session, place)
    sweep(session, T0, profiles=load_profiles(), settings=settings())
    sweep(session, T0 + timedelta(days=3), profiles=load_profiles(), settings=settings())
    note = session.scalars(select(ResponseNotification)).first()
    assert note is not None
    return {"response_id": note.response_id, "task_id": note.task_id, "notification_id": note.id}


def two_counties(session: Session) -> dict[str, Any]:
    """A confirmed case in C1A and one in C2A, swept at T0 and 3 hours later: each county's
    2-hour tasks are overdue and escalated to its city. Returns the tree and the responses
    by county code."""
    from sqlalchemy import select

    from fireline.diseases import load_profiles
    from fireline.response.models import Response
    from fireline.response.service import sweep
    from tests.places.factories import small_tree

    tree = small_tree(session)
    cases = {code: add_case(session, tree[code]) for code in ("C1A", "C2A")}
    for moment in (T0, T0 + timedelta(hours=3)):
        sweep(session, moment, profiles=load_profiles(), settings=settings())
    session.commit()
    by_case = {r.case_id: r.id for r in session.scalars(select(Response))}
    return {"tree": tree, **{code: by_case[case.id] for code, case in cases.items()}}
