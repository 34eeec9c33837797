"""JSON routes for the jurisdiction tree."""

from __future__ import annotations

from fastapi import APIRouter

from fireline.auth.deps import ApiActor
from fireline.db.deps import DbSession
from fireline.jurisdictions import service
from fireline.listing import ApiListQuery
from fireline.pagination import Page, make_page
from fireline.places.schemas import JurisdictionRead

router = APIRouter(tags=["jurisdictions"])


@router.get("/jurisdictions", response_model=Page[JurisdictionRead])
def read_jurisdictions(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    level: str | None = None,
    parent: str | None = None,
) -> Page[JurisdictionRead]:
    """Jurisdictions in your subtree, in tree order (``sort``: tree, code, name,
    population); filter by level or parent code; ``q`` matches a code prefix or a name."""
    rows, total = service.jurisdiction_list(session, actor, query, parent_code=parent)
    return make_page([JurisdictionRead.model_validate(j) for j in rows], total, query)


@router.get("/jurisdictions/{code}", response_model=JurisdictionRead)
def read_jurisdiction(code: str, actor: ApiActor, session: DbSession) -> JurisdictionRead:
    return JurisdictionRead.model_validate(actor.jurisdiction(session, code))


@router.get("/jurisdictions/{code}/children", response_model=Page[JurisdictionRead])
def read_children(
    code: str, actor: ApiActor, session: DbSession, query: ApiListQuery
) -> Page[JurisdictionRead]:
    """The jurisdictions directly below one in your scope, in tree order (by code)."""
    rows, total = service.jurisdiction_list(session, actor, query, parent_code=code)
    return make_page([JurisdictionRead.model_validate(j) for j in rows], total, query)
