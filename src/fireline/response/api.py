"""JSON routes of responses, their tasks, boards, notifications and the league table."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response as HttpResponse

from fireline.auth.deps import ApiActor
from fireline.bounds import Day, Id
from fireline.db.deps import DbSession
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Problem
from fireline.pagination import Page, PageParams, make_page, page_params
from fireline.response import board as boards
from fireline.response import deps, export, service
from fireline.response.league import INDICATORS, LeagueRow, league_table
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
    ResponseRead,
    ResponseUpdate,
    TaskComplete,
    TaskRead,
    TaskUpdate,
    TimelineEntry,
)
from fireline.response.settings import ResponseSettings

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

Now = Annotated[datetime, Depends(deps.now)]
Profiles = Annotated[Mapping[str, DiseaseProfile], Depends(deps.profiles)]
Settings = Annotated[ResponseSettings, Depends(deps.response_settings)]
Params = Annotated[PageParams, Depends(page_params)]


@router.get("/responses", response_model=Page[ResponseRead])
def read_responses(
    actor: ApiActor,
    session: DbSession,
    params: Params,
    status: Literal["open", "closed"] | None = None,
    disease: str | None = None,
) -> Page[ResponseRead]:
    """Responses in your subtree, newest first."""
    found, total = service.list_responses(session, actor, params, status=status, disease=disease)
    return make_page([ResponseRead.model_validate(r) for r in found], total, params)


@router.post("/responses", response_model=ResponseRead, status_code=201)
def create_response(
    body: ResponseCreate,
    actor: ApiActor,
    session: DbSession,
    now: Now,
    profiles: Profiles,
    settings: Settings,
) -> ResponseRead:
    """Open a response by hand (a cluster, or a case or alert the sweep has not reached)."""
    response = service.open_response(
        session, actor, body, now=now, profiles=profiles, settings=settings
    )
    return ResponseRead.model_validate(response)


@router.get("/responses/board", response_model=BoardRead)
def read_board(
    actor: ApiActor,
    session: DbSession,
    now: Now,
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
    return boards.board(session, actor, jurisdiction, now, settings, wanted)


@router.get("/responses/league", response_model=LeagueRead, responses={200: LEAGUE_FILES})
def read_league(
    actor: ApiActor,
    session: DbSession,
    now: Now,
    settings: Settings,
    jurisdiction: str | None = None,
    start: Day | None = None,
    end: Day | None = None,
    level: str | None = None,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> LeagueRead | HttpResponse:
    """The children of a jurisdiction (or its descendants at ``level``, e.g. every county of a
    province) ranked on each indicator, for ``start``..``end`` (default: the last 7 days)."""
    actor.require("records:read")
    end = end or now.date()
    start = start or end - timedelta(days=6)
    if start > end:
        raise Problem(422, "start is after end")
    parent = actor.jurisdiction(session, jurisdiction) if jurisdiction else None
    if parent is None:
        parent = actor.jurisdiction(
            session, boards.jurisdiction_code(session, actor.jurisdiction_id)
        )
    table = league_table(session, parent, start, end, now, settings.target_share, level)
    if format != "json":
        return _league_file(table, f"league-{parent.code}-{start}-{end}.{format}", format)
    return _league_json(table, parent.code, start, end, settings.target_share)


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
    actor: ApiActor, session: DbSession, params: Params, unread: bool = False
) -> Page[NotificationRead]:
    """Escalations to the boards in your subtree, newest first."""
    found, total = boards.notifications(session, actor, params, unread=unread)
    return make_page([NotificationRead.model_validate(n) for n in found], total, params)


@router.post("/responses/notifications/{notification_id:int}/read", response_model=NotificationRead)
def read_notification(
    notification_id: Id, actor: ApiActor, session: DbSession, now: Now
) -> NotificationRead:
    note = boards.mark_read(session, actor, notification_id, now)
    return NotificationRead.model_validate(note)


@router.get("/responses/{response_id:int}", response_model=ResponseDetail)
def read_response(
    response_id: Id, actor: ApiActor, session: DbSession, now: Now, settings: Settings
) -> ResponseDetail:
    """A response with its tasks (lights at this moment) and its 7-1-7."""
    response = service.get_response(session, actor, response_id)
    tasks = boards.response_tasks(session, actor, response_id, now, settings)
    return ResponseDetail(
        **ResponseRead.model_validate(response).model_dump(),
        tasks=tasks,
        metrics=_metrics(session, actor, response_id, now),
    )


def _metrics(session: DbSession, actor: ApiActor, response_id: Id, now: datetime) -> MetricsRead:
    timeline, intervals = service.metrics(session, actor, response_id, now)
    return MetricsRead(**vars(timeline), intervals=[IntervalRead(**vars(i)) for i in intervals])


@router.get("/responses/{response_id:int}/metrics", response_model=MetricsRead)
def read_metrics(response_id: Id, actor: ApiActor, session: DbSession, now: Now) -> MetricsRead:
    """7-1-7 (Frieden et al. 2021): detect in 7 days, notify in 1, respond in 7."""
    return _metrics(session, actor, response_id, now)


@router.get("/responses/{response_id:int}/timeline", response_model=list[TimelineEntry])
def read_timeline(response_id: Id, actor: ApiActor, session: DbSession) -> list[TimelineEntry]:
    return service.timeline(session, actor, response_id)


@router.patch("/responses/{response_id:int}", response_model=ResponseRead)
def change_response(
    response_id: Id,
    body: ResponseUpdate,
    actor: ApiActor,
    session: DbSession,
    now: Now,
    settings: Settings,
) -> ResponseRead:
    """Change the level, the lead or the 7-1-7 dates; send the version you read."""
    response = service.update_response(
        session, actor, response_id, body, now=now, settings=settings
    )
    return ResponseRead.model_validate(response)


@router.post("/responses/{response_id:int}/close", response_model=ResponseRead)
def close(
    response_id: Id, body: ResponseClose, actor: ApiActor, session: DbSession, now: Now
) -> ResponseRead:
    response = service.close_response(
        session, actor, response_id, summary=body.summary, version=body.version, now=now
    )
    return ResponseRead.model_validate(response)


@router.get("/response-tasks/{task_id:int}", response_model=TaskRead)
def read_task(
    task_id: Id, actor: ApiActor, session: DbSession, now: Now, settings: Settings
) -> TaskRead:
    return boards.get_task(session, actor, task_id, now, settings)


@router.patch("/response-tasks/{task_id:int}", response_model=TaskRead)
def assign(
    task_id: Id,
    body: TaskUpdate,
    actor: ApiActor,
    session: DbSession,
    now: Now,
    settings: Settings,
) -> TaskRead:
    """Assign a task to a person or a team."""
    boards.assign_task(
        session,
        actor,
        task_id,
        version=body.version,
        user_id=body.assignee_user_id,
        team=body.assignee_team,
        now=now,
    )
    return boards.get_task(session, actor, task_id, now, settings)


@router.post("/response-tasks/{task_id:int}/complete", response_model=TaskRead)
def complete(
    task_id: Id,
    body: TaskComplete,
    actor: ApiActor,
    session: DbSession,
    now: Now,
    settings: Settings,
) -> TaskRead:
    """Complete a task by hand (e.g. the interview of a case without contacts)."""
    boards.complete_task(session, actor, task_id, version=body.version, note=body.note, now=now)
    return boards.get_task(session, actor, task_id, now, settings)
