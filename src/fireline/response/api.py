"""JSON routes of responses, their tasks, boards, notifications and the league table.

Routes parse the request and serialise what the services return; the services own every
query, and take the request's ``Context`` (the caller, the app's clock, the profiles).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response as HttpResponse

from fireline.bounds import Day, Id
from fireline.context import Context
from fireline.db.deps import DbSession, Session
from fireline.pagination import Page, make_page
from fireline.response import board as boards
from fireline.response import deps, export, inbox, service
from fireline.response.league import INDICATORS, LeagueRow
from fireline.response.leagues import league_of
from fireline.response.responselist import list_responses
from fireline.response.schemas import (
    BoardRead,
    IntervalRead,
    LeagueCellRead,
    LeagueRead,
    LeagueRowRead,
    MetricsRead,
    NotificationRead,
    ResponseClose,
    ResponseCreate,
    ResponseDetail,
    ResponseListed,
    ResponseRead,
    ResponseUpdate,
    TaskComplete,
    TaskRead,
    TaskUpdate,
    TimelineEntry,
)
from fireline.response.settings import ResponseSettings
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(tags=["responses"])

# A task older than a century is no filter anyone needs; a larger age overflowed the
# date arithmetic (``timedelta``) into a 500.
MAX_AGE_HOURS = 100 * 366 * 24

# ?format=csv and ?format=xlsx answer the same table as a file
LEAGUE_FILES = {
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        export.XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}},
    }
}

Settings = Annotated[ResponseSettings, Depends(deps.response_settings)]


@router.get("/responses", response_model=Page[ResponseListed])
def read_responses(
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    status: Literal["open", "closed"] | None = None,
    disease: str | None = None,
) -> Page[ResponseListed]:
    """Responses in your subtree with their open and overdue tasks, newest first (sort:
    ``opened``, ``closed``, ``level``; ``q``: a response number or words of its summary)."""
    found, total = list_responses(session, context, query)
    items = [
        ResponseListed(
            **ResponseRead.model_validate(r.response).model_dump(),
            open_tasks=r.open_tasks,
            overdue_tasks=r.overdue_tasks,
        )
        for r in found
    ]
    return make_page(items, total, query)


@router.post("/responses", response_model=ResponseRead, status_code=201)
def create_response(
    body: ResponseCreate, context: ApiContext, session: DbSession, settings: Settings
) -> ResponseRead:
    """Open a response by hand (a cluster, or a case or alert the sweep has not reached)."""
    return ResponseRead.model_validate(service.open_response(session, context, body, settings))


@router.get("/responses/board", response_model=BoardRead)
def read_board(
    context: ApiContext,
    session: DbSession,
    settings: Settings,
    jurisdiction: str | None = None,
    light: Literal["green", "yellow", "red", "done"] | None = None,
    type: str | None = None,
    assignee: str | None = None,
    min_age_hours: Annotated[float | None, Query(ge=0, le=MAX_AGE_HOURS)] = None,
    subtree: bool = False,
    include_done: bool = False,
) -> BoardRead:
    """The tasks a jurisdiction owns plus the overdue tasks escalated to it."""
    wanted = boards.BoardFilter(light, type, assignee, min_age_hours, subtree, include_done)
    return boards.board(session, context, jurisdiction, settings, wanted)


@router.get("/responses/league", response_model=LeagueRead, responses={200: LEAGUE_FILES})
def read_league(
    context: ApiContext,
    session: DbSession,
    settings: Settings,
    jurisdiction: str | None = None,
    start: Day | None = None,
    end: Day | None = None,
    level: str | None = None,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> LeagueRead | HttpResponse:
    """The children of a jurisdiction (or its descendants at ``level``, e.g. every county of a
    province) ranked on each indicator, for ``start``..``end`` (default: the last 7 days)."""
    found = league_of(
        session,
        context,
        settings.target_share,
        code=jurisdiction,
        start=start,
        end=end,
        level=level,
    )
    if format != "json":
        name = f"league-{found.place.code}-{found.start}-{found.end}.{format}"
        return _league_file(found.rows, name, format)
    return _league_json(found.rows, found.place.code, found.start, found.end, settings.target_share)


def _league_file(table: list[LeagueRow], name: str, format: str) -> HttpResponse:
    body = export.to_csv(table) if format == "csv" else export.to_xlsx(table)
    media = "text/csv; charset=utf-8" if format == "csv" else export.XLSX_MEDIA
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return HttpResponse(body, media_type=media, headers=disposition)


def _league_json(
    table: list[LeagueRow], code: str, start: date, end: date, target: float
) -> LeagueRead:
    rows = [
        LeagueRowRead(
            jurisdiction_id=r.jurisdiction_id,
            code=r.code,
            name_en=r.name_en,
            name_zh=r.name_zh,
            rank=r.rank,
            cells={k: LeagueCellRead(**vars(c), trend=c.trend) for k, c in r.cells.items()},
        )
        for r in table
    ]
    indicators = [i.key for i in INDICATORS]
    return LeagueRead(
        jurisdiction_code=code,
        start=start,
        end=end,
        target=target,
        indicators=indicators,
        rows=rows,
    )


@router.get("/responses/notifications", response_model=Page[NotificationRead])
def read_notifications(
    context: ApiContext, session: DbSession, query: ApiListQuery, unread: bool = False
) -> Page[NotificationRead]:
    """Escalations to the boards in your subtree, newest first (sort: ``created``,
    ``step``)."""
    found, total = inbox.escalations(session, context, query)
    items = [NotificationRead.model_validate(e.notification) for e in found]
    return make_page(items, total, query)


@router.post("/responses/notifications/{notification_id:int}/read", response_model=NotificationRead)
def read_notification(
    notification_id: Id, context: ApiContext, session: DbSession
) -> NotificationRead:
    return NotificationRead.model_validate(inbox.mark_read(session, context, notification_id))


@router.get("/responses/{response_id:int}", response_model=ResponseDetail)
def read_response(
    response_id: Id, context: ApiContext, session: DbSession, settings: Settings
) -> ResponseDetail:
    """A response with its tasks (lights at this moment) and its 7-1-7."""
    response = service.get_response(session, context, response_id)
    return ResponseDetail(
        **ResponseRead.model_validate(response).model_dump(),
        tasks=boards.response_tasks(session, context, response_id, settings),
        metrics=_metrics(session, context, response_id),
    )


def _metrics(session: Session, context: Context, response_id: int) -> MetricsRead:
    timeline, intervals = service.metrics(session, context, response_id)
    return MetricsRead(**vars(timeline), intervals=[IntervalRead(**vars(i)) for i in intervals])


@router.get("/responses/{response_id:int}/metrics", response_model=MetricsRead)
def read_metrics(response_id: Id, context: ApiContext, session: DbSession) -> MetricsRead:
    """7-1-7 (Frieden et al. 2021): detect in 7 days, notify in 1, respond in 7."""
    return _metrics(session, context, response_id)


@router.get("/responses/{response_id:int}/timeline", response_model=Page[TimelineEntry])
def read_timeline(
    response_id: Id, context: ApiContext, session: DbSession, query: ApiListQuery
) -> Page[TimelineEntry]:
    """What happened, oldest first: opening, cases joining, tasks done, escalations,
    changes (one page of ``limit`` entries from ``offset``)."""
    entries = service.timeline(session, context, response_id)
    return make_page(entries[query.offset : query.offset + query.limit], len(entries), query)


@router.patch("/responses/{response_id:int}", response_model=ResponseRead)
def change_response(
    response_id: Id,
    body: ResponseUpdate,
    context: ApiContext,
    session: DbSession,
    settings: Settings,
) -> ResponseRead:
    """Change the level, the lead or the 7-1-7 dates; send the version you read."""
    response = service.update_response(session, context, response_id, body, settings)
    return ResponseRead.model_validate(response)


@router.post("/responses/{response_id:int}/close", response_model=ResponseRead)
def close(
    response_id: Id, body: ResponseClose, context: ApiContext, session: DbSession
) -> ResponseRead:
    response = service.close_response(
        session, context, response_id, summary=body.summary, version=body.version
    )
    return ResponseRead.model_validate(response)


@router.get("/response-tasks/{task_id:int}", response_model=TaskRead)
def read_task(task_id: Id, context: ApiContext, session: DbSession, settings: Settings) -> TaskRead:
    return boards.get_task(session, context, task_id, settings)


@router.patch("/response-tasks/{task_id:int}", response_model=TaskRead)
def assign(
    task_id: Id, body: TaskUpdate, context: ApiContext, session: DbSession, settings: Settings
) -> TaskRead:
    """Assign a task to a person or a team."""
    boards.assign_task(
        session,
        context,
        task_id,
        version=body.version,
        user_id=body.assignee_user_id,
        team=body.assignee_team,
    )
    return boards.get_task(session, context, task_id, settings)


@router.post("/response-tasks/{task_id:int}/complete", response_model=TaskRead)
def complete(
    task_id: Id, body: TaskComplete, context: ApiContext, session: DbSession, settings: Settings
) -> TaskRead:
    """Complete a task by hand (e.g. the interview of a case without contacts)."""
    boards.complete_task(session, context, task_id, version=body.version, note=body.note)
    return boards.get_task(session, context, task_id, settings)
