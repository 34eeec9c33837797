"""Contacts whose quarantine closed at chosen times, for the retention tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from tests.people.factories import make_person
from tests.places.factories import small_tree
from tests.response.factories import add_case, add_contact, add_order

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def closed_contact(
    session: Session,
    index: Case,
    place: Jurisdiction,
    name: str,
    closed_days_ago: list[int | None],
    *,
    disease: str | None = "covid19",
    with_closed_at: bool = True,
) -> Person:
    """A contact of ``index`` with one order per entry: closed that many days ago, or
    still active (None). Without ``with_closed_at`` the planned end date says it."""
    person = make_person(session, place, name)
    person.national_id = "11010519491231002X"
    contact = add_contact(session, index, listed_at=NOW - timedelta(days=90), person=person)
    for days in closed_days_ago:
        ended = (NOW - timedelta(days=days or 0)).date()
        order = add_order(
            session,
            person.id,
            place.id,
            start=ended - timedelta(days=7),
            entered=NOW - timedelta(days=90),
            contact_id=contact.id,
            status="active" if days is None else "completed",
        )
        order.disease = disease
        if days is not None and with_closed_at:
            order.closed_at = NOW - timedelta(days=days)
    session.flush()
    return person


def retention_world(session: Session) -> dict[str, Person]:
    """covid19 keeps contacts' identifiers 28 days, ebola 42 (the shipped profiles)."""
    tree = small_tree(session)
    place = tree["C1A"]
    index = add_case(session, place)
    ill = closed_contact(session, index, place, "Contact Who Fell Ill", [40])
    add_case(session, place, person=ill)
    people = {
        "old": closed_contact(session, index, place, "Old Contact", [40]),
        "recent": closed_contact(session, index, place, "Recent Contact", [10]),
        "open": closed_contact(session, index, place, "Open Contact", [None]),
        "ill": ill,
        "mixed": closed_contact(session, index, place, "Mixed Contact", [40, 5]),
        "unknown": closed_contact(session, index, place, "No Disease", [100], disease=None),
        "ebola_recent": closed_contact(
            session, index, place, "Ebola Recent", [35], disease="ebola"
        ),
        "ebola_planned": closed_contact(
            session, index, place, "Ebola Planned", [50], disease="ebola", with_closed_at=False
        ),
    }
    session.commit()
    return people


def birth(person: Person) -> date | None:
    return person.birth_date
