"""JSON routes for the figures behind the dashboards."""

from __future__ import annotations

from fastapi import APIRouter

from fireline.auth.deps import ApiActor
from fireline.bounds import Day
from fireline.db.deps import DbSession
from fireline.reports import service
from fireline.reports.schemas import ChildCounts, MechanismCounts
from fireline.web.deps import ApiContext

router = APIRouter(tags=["reports"])


@router.get("/jurisdictions/{code}/summary", response_model=MechanismCounts)
def read_summary(
    code: str, context: ApiContext, session: DbSession, today: Day | None = None
) -> MechanismCounts:
    """Counts for each mechanism in the jurisdiction's subtree; ``today`` defaults to
    today there."""
    day = today or context.today(context.actor.jurisdiction(session, code))
    return service.mechanism_counts(session, context.actor, code, day)


@router.get("/jurisdictions/{code}/breakdown", response_model=list[ChildCounts])
def read_breakdown(code: str, actor: ApiActor, session: DbSession) -> list[ChildCounts]:
    """Confirmed cases and incidence per 100,000 by child jurisdiction."""
    return service.child_counts(session, actor, code)
