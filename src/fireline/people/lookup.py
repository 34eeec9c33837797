"""Persons as they are being typed: candidates for what is typed so far, and what the
typed details say differently from the person on file (scoped and audited).

Nothing typed is dropped: when an intake finds the person on file (same national ID),
the fields that differ are shown beside the record for the user to choose (keep the
record, or update it from what was typed), rather than silently kept as on file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.people.models import Person
from fireline.people.service import PersonDetails, normal_id
from fireline.people.values import phone_digits

COMPARED: Final = ("name", "national_id", "sex", "birth_date", "phone", "address")
# A name needs two characters (one Chinese given name is often a single character), a
# phone or ID six digits, before a candidate list is worth reading: fewer match too many.
MIN_NAME: Final = 2
MIN_DIGITS: Final = 6
CANDIDATES: Final = 5


@dataclass(frozen=True)
class Difference:
    """A field where what was typed differs from the person on file."""

    field: str
    on_file: str
    typed: str


def _text(value: str | date | None) -> str:
    return value.isoformat() if isinstance(value, date) else (value or "")


def differences(person: Person, details: PersonDetails) -> list[Difference]:
    """The typed, non-empty fields that differ from ``person`` (an empty typed field, or
    sex "unknown", says nothing and never counts)."""
    found = []
    for field in COMPARED:
        typed = getattr(details, field)
        if typed in (None, "") or (field == "sex" and typed == "unknown"):
            continue
        on_file = getattr(person, field)
        if field == "name":
            typed = typed.strip()
        if typed != on_file:
            found.append(Difference(field, _text(on_file), _text(typed)))
    return found


def update_from(
    session: Session, actor: Actor, person: Person, details: PersonDetails, fields: list[str]
) -> None:
    """Write the typed values of ``fields`` onto the person on file (audited)."""
    actor.require("persons:write")
    for field in fields:
        value = getattr(details, field)
        setattr(person, field, value.strip() if field == "name" else value)
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "person",
        [person.id],
        jurisdiction_id=person.jurisdiction_id,
        fields=sorted(fields),
    )


def candidates(
    session: Session,
    actor: Actor,
    *,
    name: str = "",
    national_id: str = "",
    phone: str = "",
    limit: int = CANDIDATES,
) -> list[Person]:
    """Live persons in the actor's subtree whose ID or phone starts with what was typed,
    or whose name contains it; the same ID first, then the same phone, then by name.
    Nothing is read for too short an input; what is read is audited."""
    actor.require("persons:read")
    terms = []
    number = normal_id(national_id) or ""
    digits = phone_digits(phone) if phone else ""
    name = name.strip()
    if len(number) >= MIN_DIGITS:
        terms.append(Person.national_id.startswith(number, autoescape=True))
    if len(digits) >= MIN_DIGITS:
        terms.append(Person.phone.startswith(digits, autoescape=True))
    if len(name) >= MIN_NAME:
        terms.append(Person.name.contains(name, autoescape=True))
    if not terms:
        return []
    statement = (
        select(Person)
        .where(or_(*terms), Person.merged_into_id.is_(None))
        .order_by(Person.id)
        .limit(limit * 4)
    )
    found = list(session.scalars(actor.restrict(statement, Person)))
    found.sort(key=lambda p: _rank(p, number, digits))
    found = found[:limit]
    audit.record(
        session,
        actor,
        "read",
        "person",
        [p.id for p in found],
        jurisdiction_id=actor.jurisdiction_id or None,
        view="candidates",
    )
    return found


def _rank(person: Person, number: str, digits: str) -> tuple[int, int]:
    if number and person.national_id == number:
        return (0, person.id)
    if digits and person.phone == digits:
        return (1, person.id)
    return (2, person.id)
