"""JSON routes for persons (personal data: scoped and audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from fireline.auth.deps import ApiActor
from fireline.db.deps import DbSession
from fireline.pagination import Page, PageParams, make_page, page_params
from fireline.people import service
from fireline.people.schemas import PersonRead

router = APIRouter(tags=["people"])


@router.get("/persons", response_model=Page[PersonRead])
def read_persons(
    actor: ApiActor,
    session: DbSession,
    params: Annotated[PageParams, Depends(page_params)],
    name: str | None = None,
) -> Page[PersonRead]:
    """Persons resident in your subtree; every read is written to the audit log."""
    persons, total = service.list_persons(session, actor, params, name=name)
    return make_page([PersonRead.model_validate(p) for p in persons], total, params)


@router.get("/persons/{person_id}", response_model=PersonRead)
def read_person(person_id: int, actor: ApiActor, session: DbSession) -> PersonRead:
    return PersonRead.model_validate(service.get_person(session, actor, person_id))
