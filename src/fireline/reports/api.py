"""JSON routes for the figures behind the dashboards."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from fireline.auth.deps import ApiActor
from fireline.bounds import Day
from fireline.db.deps import DbSession
from fireline.pagination import Page, make_page
from fireline.reports import service
from fireline.reports.matrix.service import COLUMNS, Matrix, matrix
from fireline.reports.schemas import ChildCounts, MechanismCounts
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(tags=["reports"])


@router.get("/jurisdictions/{code}/summary", response_model=MechanismCounts)
def read_summary(
    code: str, context: ApiContext, session: DbSession, today: Day | None = None
) -> MechanismCounts:
    """Counts for each mechanism in the jurisdiction's subtree; ``today`` defaults to
    today there."""
    day = today or context.today(context.actor.jurisdiction(session, code))
    return service.summary(session, context, code, day)


@router.get("/jurisdictions/{code}/breakdown", response_model=Page[ChildCounts])
def read_breakdown(
    code: str, actor: ApiActor, session: DbSession, query: ApiListQuery
) -> Page[ChildCounts]:
    """Confirmed cases and incidence per 100,000 by child jurisdiction, by code."""
    rows = service.child_counts(session, actor, code)
    return make_page(rows[query.offset : query.offset + query.limit], len(rows), query)


@router.get("/jurisdictions/{code}/matrix", response_model=Matrix)
def read_matrix(
    code: str,
    context: ApiContext,
    session: DbSession,
    disease: Annotated[str, Query(description="Disease code, e.g. covid19")] = "covid19",
    sort: Annotated[str, Query(description=f"One of {', '.join(COLUMNS)}")] = "name",
    descending: bool = False,
    today: Day | None = None,
) -> Matrix:
    """Every child of ``code`` side by side: incidence, new cases, 7-day change, the
    headline Rt (no value under its minimum count), growth, open alerts, overdue tasks,
    people under quarantine, test positivity and 28 days of counts for a sparkline."""
    place = context.actor.jurisdiction(session, code)
    day = today or context.today(place)
    return matrix(
        session,
        context.actor,
        code,
        disease,
        day,
        context.now(),
        context.profiles,
        sort=sort,
        descending=descending,
    )
