"""JSON routes for cases (personal data: scoped and audited), with the intake routes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from fireline.bounds import Day, Id
from fireline.context import Context
from fireline.db.deps import DbSession, Session
from fireline.pagination import Page, make_page
from fireline.people.schemas import PersonRead
from fireline.surveillance import caselist, service
from fireline.surveillance.intake.api import router as intake_router
from fireline.surveillance.schemas import (
    CaseCreate,
    CaseDetail,
    CaseListItem,
    CaseRead,
    CaseUpdate,
    ClassificationChangeRead,
    ClassificationRequest,
)
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(tags=["cases"])


def _detail(session: Session, context: Context, case_id: Id, proposed: int = 0) -> CaseDetail:
    case, person = service.get_case(session, context.actor, case_id)
    return CaseDetail(
        **CaseRead.model_validate(case).model_dump(),
        person=PersonRead.model_validate(person),
        history=[
            ClassificationChangeRead.model_validate(h) for h in service.history(session, case)
        ],
        allowed_transitions=service.allowed_transitions(context.profiles, case),
        matches_proposed=proposed,
    )


@router.post("/cases", response_model=CaseDetail, status_code=201)
def create_case(data: CaseCreate, context: ApiContext, session: DbSession) -> CaseDetail:
    """Report a case of a disease the deployment's profiles know. The same national ID
    reuses the person on file; a similar person (name, birth date, phone) is proposed for
    merging in /person-matches, never merged."""
    case, proposed = service.create_case(session, context, data)
    return _detail(session, context, case.id, proposed)


@router.get("/cases", response_model=Page[CaseListItem])
def read_cases(
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    jurisdiction: Annotated[str | None, Query(description="Narrow to this subtree")] = None,
    classification: str | None = None,
    disease: str | None = None,
    reported_from: Day | None = None,
    reported_to: Day | None = None,
    imported: Literal["yes", "no"] | None = None,
    area: Annotated[str | None, Query(description="A jurisdiction under the chosen one")] = None,
    batch: Id | None = None,
) -> Page[CaseListItem]:
    """Cases in your subtree, newest report first (sort ``reported``, ``onset`` or
    ``classification``); ``q`` searches the case number, external ID and name. The
    same list as the case list page; names only for roles that may read persons."""
    rows, total = caselist.list_cases(session, context.within_code(session, jurisdiction), query)
    items = [
        CaseListItem(**CaseRead.model_validate(r.case).model_dump(), person_name=r.name)
        for r in rows
    ]
    return make_page(items, total, query)


@router.get("/cases/{case_id:int}", response_model=CaseDetail)
def read_case(case_id: Id, context: ApiContext, session: DbSession) -> CaseDetail:
    """One case with its person, its classification history and the allowed next steps."""
    return _detail(session, context, case_id)


@router.patch("/cases/{case_id:int}", response_model=CaseDetail)
def update_case(
    case_id: Id, data: CaseUpdate, context: ApiContext, session: DbSession
) -> CaseDetail:
    """Change dates, outcome, imported or jurisdiction; a stale ``version`` gets 409."""
    service.update_case(session, context, case_id, data)
    return _detail(session, context, case_id)


@router.post("/cases/{case_id:int}/classification", response_model=CaseDetail)
def classify_case(
    case_id: Id, data: ClassificationRequest, context: ApiContext, session: DbSession
) -> CaseDetail:
    """Reclassify along the disease profile's transitions (409 when not allowed)."""
    service.reclassify(
        session,
        context,
        case_id,
        to=data.to,
        version=data.version,
        reason=data.reason,
        date_confirmation=data.date_confirmation,
    )
    return _detail(session, context, case_id)


router.include_router(intake_router)
