"""JSON route of "My work": the caller's sections, each a capped page of items."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from fireline.db.deps import DbSession
from fireline.pagination import MAX_LIMIT
from fireline.quarantine.deps import settings as quarantine_settings
from fireline.web.deps import ApiContext
from fireline.work import service
from fireline.work.schemas import WorkRead

router = APIRouter(tags=["work"])


@router.get("/work", response_model=WorkRead)
def read_work(
    request: Request,
    context: ApiContext,
    session: DbSession,
    jurisdiction: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per section")] = 10,
) -> WorkRead:
    """What the caller has to do today, by role, under ``jurisdiction`` (else the caller's
    own): investigators get cases to interview (with the playbook's deadline), proposed
    orders, people to call, people not reporting and lab positives among people under
    quarantine; lab users samples waiting and holds; facility users arrivals, rooms and
    releases due; epidemiologists and administrators open alerts and overdue tasks;
    viewers figures only. Each section holds its first ``limit`` items, its ``total``
    and ``href``, the page with the whole list. Reads of people are audited."""
    narrowed = context.within_code(session, jurisdiction)
    frame = service.frame_for(
        session,
        narrowed,
        limit=limit,
        non_reporting_hours=quarantine_settings(request).non_reporting_hours,
        language=context.actor.language,
    )
    return service.my_work(session, frame)
