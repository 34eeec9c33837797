"""Reading persons: scoped to the actor's subtree and audited on every read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.pagination import PageParams, fetch_page
from fireline.people.models import Person


def list_persons(
    session: Session, actor: Actor, params: PageParams, *, name: str | None = None
) -> tuple[list[Person], int]:
    """A page of persons in scope, optionally by name prefix; the read is audited."""
    actor.require("persons:read")
    statement = actor.restrict(select(Person).order_by(Person.id), Person)
    if name:
        statement = statement.where(Person.name.startswith(name, autoescape=True))
    persons, total = fetch_page(session, statement, params)
    audit.record(
        session, actor, "read", "person", [p.id for p in persons],
        jurisdiction_id=actor.jurisdiction_id or None, filtered=bool(name),
    )
    return persons, total


def get_person(session: Session, actor: Actor, person_id: int) -> Person:
    actor.require("persons:read")
    person: Person = actor.get(session, Person, person_id, f"person {person_id}")
    audit.record(session, actor, "read", "person", [person.id], jurisdiction_id=person.jurisdiction_id)
    return person
