"""JSON routes for the jurisdiction tree."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from fireline.auth.deps import ApiActor
from fireline.db.deps import DbSession
from fireline.jurisdictions import service
from fireline.pagination import Page, PageParams, count, make_page, page_params
from fireline.places.schemas import JurisdictionRead

router = APIRouter(tags=["jurisdictions"])


@router.get("/jurisdictions", response_model=Page[JurisdictionRead])
def read_jurisdictions(
    actor: ApiActor,
    session: DbSession,
    params: Annotated[PageParams, Depends(page_params)],
    level: str | None = None,
    parent: str | None = None,
) -> Page[JurisdictionRead]:
    """Jurisdictions in your subtree, in tree order; filter by level or parent code."""
    statement = service.list_jurisdictions(session, actor, level=level, parent_code=parent)
    total = count(session, statement)
    rows = session.scalars(statement.limit(params.limit).offset(params.offset))
    return make_page([JurisdictionRead.model_validate(j) for j in rows], total, params)


@router.get("/jurisdictions/{code}", response_model=JurisdictionRead)
def read_jurisdiction(code: str, actor: ApiActor, session: DbSession) -> JurisdictionRead:
    return JurisdictionRead.model_validate(actor.jurisdiction(session, code))


@router.get("/jurisdictions/{code}/children", response_model=Page[JurisdictionRead])
def read_children(
    code: str,
    actor: ApiActor,
    session: DbSession,
    params: Annotated[PageParams, Depends(page_params)],
) -> Page[JurisdictionRead]:
    """The jurisdictions directly below one in your scope, by code. (This package lies
    below ``web``, so it pages with ``page_params``, not ``web.deps.ApiListQuery``.)"""
    rows = [JurisdictionRead.model_validate(j) for j in service.children(session, actor, code)]
    return make_page(rows[params.offset : params.offset + params.limit], len(rows), params)
