"""JSON routes for the figures behind the dashboards."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from fireline.auth.deps import ApiActor
from fireline.db.deps import DbSession
from fireline.reports import service
from fireline.reports.schemas import ChildCounts, MechanismCounts

router = APIRouter(tags=["reports"])


@router.get("/jurisdictions/{code}/summary", response_model=MechanismCounts)
def read_summary(
    code: str, actor: ApiActor, session: DbSession, today: date | None = None
) -> MechanismCounts:
    """Counts for each mechanism in the jurisdiction's subtree; ``today`` defaults to now."""
    return service.mechanism_counts(session, actor, code, today or date.today())


@router.get("/jurisdictions/{code}/breakdown", response_model=list[ChildCounts])
def read_breakdown(code: str, actor: ApiActor, session: DbSession) -> list[ChildCounts]:
    """Confirmed cases and incidence per 100,000 by child jurisdiction."""
    return service.child_counts(session, actor, code)
