"""Persons for tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from fireline.people.models import Person
from fireline.places.models import Jurisdiction


def make_person(session: Session, jurisdiction: Jurisdiction, name: str = "Test Person") -> Person:
    person = Person(
        name=name,
        sex="female",
        birth_date=date(1980, 5, 17),
        phone="13800000000",
        national_id=None,
        address="1 Test Road",
        jurisdiction_id=jurisdiction.id,
    )
    session.add(person)
    session.flush()
    return person
