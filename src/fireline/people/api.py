"""JSON routes for persons (personal data: scoped and audited)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query

from fireline.auth.deps import ApiActor
from fireline.bounds import Id
from fireline.db.deps import DbSession
from fireline.listing import ApiListQuery
from fireline.pagination import Page, make_page
from fireline.people import lookup, service
from fireline.people.models import Person, PersonMatch
from fireline.people.schemas import MatchDecision, PersonMatchRead, PersonRead

router = APIRouter(tags=["people"])


@router.get("/persons", response_model=Page[PersonRead])
def read_persons(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    name: str | None = None,
) -> Page[PersonRead]:
    """Persons resident in your subtree (``name``: a prefix; ``q``: any part of a name;
    ``sort``: id, name); every read is written to the audit log."""
    persons, total = service.list_persons(session, actor, query)
    return make_page([PersonRead.model_validate(p) for p in persons], total, query)


@router.get("/persons/candidates", response_model=Page[PersonRead])
def read_candidates(
    actor: ApiActor,
    session: DbSession,
    name: Annotated[str, Query(max_length=200)] = "",
    id_number: Annotated[str, Query(max_length=40)] = "",
    phone: Annotated[str, Query(max_length=40)] = "",
) -> Page[PersonRead]:
    """Up to five persons in your subtree like the one being typed: the national ID or
    phone starting with what was given (six digits at least), or the name containing it
    (two characters at least); the same ID first, then the same phone. Audited."""
    found = lookup.candidates(session, actor, name=name, national_id=id_number, phone=phone)
    items = [PersonRead.model_validate(p) for p in found]
    return Page[PersonRead](items=items, total=len(items), limit=5, offset=0, next_offset=None)


@router.get("/persons/{person_id:int}", response_model=PersonRead)
def read_person(person_id: Id, actor: ApiActor, session: DbSession) -> PersonRead:
    return PersonRead.model_validate(service.get_person(session, actor, person_id))


def _match_read(row: tuple[PersonMatch, Person, Person]) -> PersonMatchRead:
    match, keep, duplicate = row
    return PersonMatchRead(
        id=match.id,
        status=match.status,
        score=match.score,
        reasons=list(match.reasons),
        person=PersonRead.model_validate(keep),
        duplicate=PersonRead.model_validate(duplicate),
        decided_by=match.decided_by,
        decided_at=match.decided_at,
        created_at=match.created_at,
    )


@router.get("/person-matches", response_model=Page[PersonMatchRead])
def read_matches(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    status: str = "proposed",
) -> Page[PersonMatchRead]:
    """The merge queue: proposals whose two persons are both in your subtree, best first
    (``sort``: score, proposed; ``status``: proposed by default, empty for every one)."""
    query = replace(query, filters={**query.filters, "status": status})
    rows, total = service.list_matches(session, actor, query)
    return make_page([_match_read(r) for r in rows], total, query)


@router.get("/person-matches/{match_id:int}", response_model=PersonMatchRead)
def read_match(match_id: Id, actor: ApiActor, session: DbSession) -> PersonMatchRead:
    return _match_read(service.get_match(session, actor, match_id))


@router.post("/person-matches/{match_id:int}/accept", response_model=PersonMatchRead)
def accept_match(
    match_id: Id, decision: MatchDecision, actor: ApiActor, session: DbSession
) -> PersonMatchRead:
    """Merge the two persons: records move to the kept one; the other is marked merged.
    Each field the two differ on takes the value chosen in ``values`` (default: the
    newer non-empty one)."""
    values = {str(k): v for k, v in decision.values.items()}
    service.accept_match(session, actor, match_id, keep_id=decision.keep_id, values=values)
    return _match_read(service.get_match(session, actor, match_id))


@router.post("/person-matches/{match_id:int}/reject", response_model=PersonMatchRead)
def reject_match(match_id: Id, actor: ApiActor, session: DbSession) -> PersonMatchRead:
    """Different people: both records stay; the pair is not proposed again."""
    service.reject_match(session, actor, match_id)
    return _match_read(service.get_match(session, actor, match_id))
