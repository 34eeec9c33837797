"""Finding or creating the person behind a record, reading persons and deciding match
proposals: scoped to the actor's subtree, audited.

Every intake path (case form and API, CSV/XLSX import, contacts, samples, lab results,
screening pools) finds its person through :func:`find_or_create` (the bulk import
through the same rule in SQL, ``surveillance.intake.load``): a person is reused only
when it lies in the acting user's subtree. A person with the same national ID (or
name and phone) outside it is never linked, read or mentioned; a new person is made
and the pair goes to the merge queue as a proposal that only a user covering both
sides sees (OWASP API Security Top 10 2023, API1 "Broken Object Level Authorization";
OWASP ASVS 4.0.3, V4.2.1).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session, aliased

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.db.base import utcnow
from fireline.errors import Conflict, NotFound, Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.people import matching as merge
from fireline.people.matching import propose_for
from fireline.people.models import Person, PersonMatch
from fireline.places.models import Jurisdiction


@dataclass(frozen=True)
class PersonDetails:
    """Who a record is about, as typed or received; sex and phone already normalised."""

    name: str
    national_id: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Found:
    """The person a record links to, whether it was made now, and the match proposals
    (that the actor may see) its making raised."""

    person: Person
    created: bool
    proposed: int = 0


def normal_id(national_id: str | None) -> str | None:
    """National IDs compare blank-free and upper-case (GB 11643's check character X)."""
    cleaned = national_id.strip().upper() if national_id else ""
    return cleaned or None


def find_in_scope(
    session: Session, actor: Actor, details: PersonDetails, *, by_name_phone: bool = False
) -> Person | None:
    """The oldest live person in the actor's subtree with this national ID, or (when asked,
    and no ID was given) the same name and phone; never a person outside the subtree."""
    national_id = normal_id(details.national_id)
    if national_id:
        same = Person.national_id == national_id
    elif by_name_phone and details.phone:
        same = and_(Person.name == details.name.strip(), Person.phone == details.phone)
    else:
        return None
    statement = select(Person).where(same, Person.merged_into_id.is_(None)).order_by(Person.id)
    found: Person | None = session.scalars(actor.restrict(statement, Person)).first()
    return found


def find_or_create(
    session: Session,
    actor: Actor,
    details: PersonDetails,
    jurisdiction_id: int,
    *,
    by_name_phone: bool = False,
    propose: bool = True,
) -> Found:
    """The person in scope (:func:`find_in_scope`), else a new one in ``jurisdiction_id``.

    A new person is sent to matching (unless ``propose`` is off: the caller batches
    them through :func:`propose`), which proposes it against persons anywhere, the
    same national ID included; only a user covering both sides sees such a proposal.
    """
    found = find_in_scope(session, actor, details, by_name_phone=by_name_phone)
    if found is not None:
        return Found(found, False)
    person = Person(
        name=details.name.strip(),
        national_id=normal_id(details.national_id),
        sex=details.sex,
        birth_date=details.birth_date,
        phone=details.phone,
        address=details.address,
        jurisdiction_id=jurisdiction_id,
    )
    session.add(person)
    session.flush()
    audit.record(session, actor, "create", "person", [person.id], jurisdiction_id=jurisdiction_id)
    return Found(person, True, propose_for(session, actor, [person.id]) if propose else 0)


def propose(session: Session, actor: Actor, person_ids: list[int]) -> int:
    """Send new persons to matching; the count of proposals ``actor`` may see."""
    return propose_for(session, actor, person_ids)


PERSONS = ListSpec(
    sorts={"id": (Person.id,), "name": (Person.name, Person.id)},
    default_sort="id",
    filters={"name": lambda text: Person.name.startswith(text, autoescape=True)},
    search=lambda text: [Person.name.contains(text, autoescape=True)],
)
MATCHES = ListSpec(
    sorts={"score": (PersonMatch.score, PersonMatch.id), "proposed": (PersonMatch.id,)},
    default_sort="score",
    filters={"status": lambda text: PersonMatch.status == text},
)


def list_persons(session: Session, actor: Actor, query: ListQuery) -> tuple[list[Person], int]:
    """A page of persons in scope (``name``: a name prefix; ``q``: any part of a name),
    oldest record first unless sorted; the read is audited."""
    actor.require("persons:read")
    if not query.sort:
        query = replace(query, sort="id", descending=False)
    statement = actor.restrict(select(Person), Person)
    persons, total = search_filter_sort_paginate(session, statement, PERSONS, query)
    audit.record(
        session,
        actor,
        "read",
        "person",
        [p.id for p in persons],
        jurisdiction_id=actor.jurisdiction_id or None,
        filtered=bool(query.value("name") or query.q),
    )
    return persons, total


def place_names(session: Session, ids: set[int], language: str) -> dict[int, str]:
    """Jurisdiction names for the places of listed persons, in ``language``."""
    if not ids:
        return {}
    found = session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(ids)))
    return {j.id: j.name(language) for j in found}


def get_person(session: Session, actor: Actor, person_id: int) -> Person:
    actor.require("persons:read")
    person: Person = actor.get(session, Person, person_id, f"person {person_id}")
    audit.record(
        session, actor, "read", "person", [person.id], jurisdiction_id=person.jurisdiction_id
    )
    return person


def _matches(actor: Actor) -> Select[tuple[PersonMatch, Person, Person]]:
    """Proposals whose two persons are both in the actor's scope."""
    keep, duplicate = aliased(Person), aliased(Person)
    statement = (
        select(PersonMatch, keep, duplicate)
        .join(keep, keep.id == PersonMatch.person_id)
        .join(duplicate, duplicate.id == PersonMatch.duplicate_id)
    )
    return actor.restrict(actor.restrict(statement, keep), duplicate)


def list_matches(
    session: Session, actor: Actor, query: ListQuery
) -> tuple[list[tuple[PersonMatch, Person, Person]], int]:
    """A page of match proposals (``status``), best first; reading them reads both persons
    (audited)."""
    actor.require("persons:read")
    rows, total = search_filter_sort_paginate(
        session, _matches(actor), MATCHES, query, scalars=False
    )
    ids = [p.id for _, keep, dup in rows for p in (keep, dup)]
    audit.record(
        session,
        actor,
        "read",
        "person",
        ids,
        jurisdiction_id=actor.jurisdiction_id or None,
        view="matches",
    )
    return rows, total


def get_match(session: Session, actor: Actor, match_id: int) -> tuple[PersonMatch, Person, Person]:
    actor.require("persons:read")
    row = session.execute(_matches(actor).where(PersonMatch.id == match_id)).first()
    if row is None:
        raise NotFound(f"person match {match_id}")
    match, keep, duplicate = row._tuple()
    audit.record(
        session,
        actor,
        "read",
        "person",
        [keep.id, duplicate.id],
        jurisdiction_id=duplicate.jurisdiction_id,
        view="match",
    )
    return match, keep, duplicate


def accept_match(
    session: Session,
    actor: Actor,
    match_id: int,
    *,
    keep_id: int | None = None,
    values: dict[str, int] | None = None,
) -> PersonMatch:
    """Merge: the other person's records move to the kept one, which takes field by
    field the value chosen in ``values`` (field -> the person whose value stays), by
    default the newer non-empty one, and fills its blanks."""
    actor.require("persons:write")
    match, first, second = _open_match(session, actor, match_id)
    keep, duplicate = (second, first) if keep_id == second.id else (first, second)
    if keep_id not in (None, first.id, second.id):
        raise Problem(422, f"person {keep_id} is not part of match {match_id}")
    if keep.merged_into_id or duplicate.merged_into_id:
        raise Conflict("one of the two persons was merged already")
    if any(person_id not in (first.id, second.id) for person_id in (values or {}).values()):
        raise Problem(422, f"a chosen value is not from one of the persons of match {match_id}")
    keep_key, duplicate_key = keep.id, duplicate.id
    moved = merge.move_records(session, duplicate_key, keep_key)
    keep, duplicate = session.get_one(Person, keep_key), session.get_one(Person, duplicate_key)
    changed = merge.apply_choices(keep, duplicate, values or {})
    duplicate.merged_into_id = keep.id
    match = session.get_one(PersonMatch, match_id)
    _decide(match, actor, "accepted")
    others = select(PersonMatch).where(
        PersonMatch.status == "proposed",
        PersonMatch.id != match_id,
        (PersonMatch.person_id == duplicate_key) | (PersonMatch.duplicate_id == duplicate_key),
    )
    for other in session.scalars(others):
        _decide(other, actor, "superseded")
    audit.record(
        session,
        actor,
        "merge",
        "person",
        [keep_key, duplicate_key],
        jurisdiction_id=keep.jurisdiction_id,
        match=match_id,
        moved=moved,
        fields=changed,
    )
    session.flush()
    return match


def reject_match(session: Session, actor: Actor, match_id: int) -> PersonMatch:
    """The two are different people; both stay and the pair is not proposed again."""
    actor.require("persons:write")
    match, _, duplicate = _open_match(session, actor, match_id)
    _decide(match, actor, "rejected")
    audit.record(
        session,
        actor,
        "reject",
        "person_match",
        [match.id],
        jurisdiction_id=duplicate.jurisdiction_id,
    )
    session.flush()
    return match


def _open_match(
    session: Session, actor: Actor, match_id: int
) -> tuple[PersonMatch, Person, Person]:
    row = session.execute(_matches(actor).where(PersonMatch.id == match_id)).first()
    if row is None:
        raise NotFound(f"person match {match_id}")
    match, keep, duplicate = row._tuple()
    if match.status != "proposed":
        raise Conflict(f"match {match_id} is {match.status} already")
    return match, keep, duplicate


def _decide(match: PersonMatch, actor: Actor, status: str) -> None:
    match.status = status
    match.decided_by = actor.user_id
    match.decided_at = utcnow()
