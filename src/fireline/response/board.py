"""The task board of a jurisdiction, task changes, and in-app notifications.

A board holds the tasks a jurisdiction owns and the overdue tasks escalated to
it; lights and escalation steps come from the database with the rows
(lights.py), never computed per task in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.models import User
from fireline.auth.scope import Actor
from fireline.bounds import INT64_MAX
from fireline.errors import Conflict, Problem
from fireline.pagination import PageParams, fetch_page
from fireline.places.models import Jurisdiction, subtree_ids
from fireline.response.lights import Cutoffs, escalation, light, on_board, utc
from fireline.response.models import ResponseEvent, ResponseNotification, ResponseTask
from fireline.response.schemas import BoardRead, TaskRead
from fireline.response.settings import ResponseSettings

Task = ResponseTask


def _with_lights(statement: Select[Any], cuts: Cutoffs) -> Select[Any]:
    return statement.add_columns(light(cuts.now), escalation(cuts))


def task_read(task: ResponseTask, lit: str, step: int) -> TaskRead:
    data = {k: getattr(task, k) for k in TaskRead.model_fields if hasattr(task, k)}
    data["depends_on"] = [d for d in task.depends_on.split(",") if d]
    return TaskRead(**{**data, "light": lit, "escalation": step})


def response_tasks(
    session: Session, actor: Actor, response_id: int, now: datetime, settings: ResponseSettings
) -> list[TaskRead]:
    """The tasks of a response in scope, in the order they are due."""
    actor.require("records:read")
    statement = actor.restrict(select(Task), Task).where(Task.response_id == response_id)
    statement = _with_lights(statement.order_by(Task.due_at, Task.id), Cutoffs.at(now, settings))
    return [task_read(t, li, s) for t, li, s in session.execute(statement)]


@dataclass(frozen=True)
class BoardFilter:
    """What a board shows: by light, task type, assignee ("none", a user id or a team)
    and minimum age in hours; ``subtree`` shows every task below, not just the board's."""

    light: str | None = None
    type: str | None = None
    assignee: str | None = None
    min_age_hours: float | None = None
    subtree: bool = False
    include_done: bool = False


def _user_id(assignee: str | None) -> int | None:
    """``assignee`` as a user id when it is one, else None (then it names a team).

    ``str.isdigit`` is true of "²" and of numbers past 64 bits, which ``int`` or the
    database then refused with a 500; a team of that name matches nothing instead.
    """
    if assignee and assignee.isascii() and assignee.isdigit() and int(assignee) <= INT64_MAX:
        return int(assignee)
    return None


def _filtered(statement: Select[Any], wanted: BoardFilter, now: datetime) -> Select[Any]:
    if not wanted.include_done:
        statement = statement.where(Task.status == "open")
    if wanted.type:
        statement = statement.where(Task.type == wanted.type)
    if wanted.assignee == "none":
        statement = statement.where(Task.assignee_user_id.is_(None), Task.assignee_team.is_(None))
    elif (user_id := _user_id(wanted.assignee)) is not None:
        statement = statement.where(Task.assignee_user_id == user_id)
    elif wanted.assignee:
        statement = statement.where(Task.assignee_team == wanted.assignee)
    if wanted.min_age_hours is not None:
        statement = statement.where(
            Task.started_at <= utc(now) - timedelta(hours=wanted.min_age_hours)
        )
    return statement


def board(
    session: Session,
    actor: Actor,
    code: str | None,
    now: datetime,
    settings: ResponseSettings,
    wanted: BoardFilter,
    limit: int = 500,
) -> BoardRead:
    """A jurisdiction's board (default: the actor's own), most urgent first."""
    actor.require("records:read")
    place = actor.jurisdiction(session, code) if code else None
    place_id = place.id if place else actor.jurisdiction_id
    cuts = Cutoffs.at(now, settings)
    base = actor.restrict(select(Task), Task)
    if wanted.subtree:
        scope = place.path if place else actor.jurisdiction_path
        base = base.where(Task.jurisdiction_id.in_(subtree_ids(scope)))
    else:
        base = base.where(on_board(place_id, cuts))
    base = _filtered(base, wanted, now)
    lit = light(cuts.now)
    counted = base.with_only_columns(lit, func.count()).group_by(lit)
    counts = {str(k): int(v) for k, v in session.execute(counted).tuples()}
    if wanted.light:
        base = base.where(lit == wanted.light)
    statement = _with_lights(base.order_by(Task.due_at, Task.id).limit(limit), cuts)
    tasks = [task_read(t, li, s) for t, li, s in session.execute(statement)]
    return BoardRead(
        jurisdiction_code=place.code if place else jurisdiction_code(session, place_id),
        counts=counts,
        tasks=tasks,
    )


def jurisdiction_code(session: Session, jurisdiction_id: int) -> str:
    return str(session.scalar(select(Jurisdiction.code).where(Jurisdiction.id == jurisdiction_id)))


def get_task(
    session: Session, actor: Actor, task_id: int, now: datetime, settings: ResponseSettings
) -> TaskRead:
    actor.require("records:read")
    statement = actor.restrict(select(Task), Task).where(Task.id == task_id)
    row = session.execute(_with_lights(statement, Cutoffs.at(now, settings))).first()
    if row is None:
        actor.get(session, Task, task_id, f"task {task_id}")  # raises the scoped 404
        raise AssertionError("unreachable")
    return task_read(*row)


def _load(session: Session, actor: Actor, task_id: int, version: int) -> ResponseTask:
    actor.require("cases:write")
    task: ResponseTask = actor.get(session, Task, task_id, f"task {task_id}")
    if task.version != version:
        raise Conflict(f"task {task_id} is at version {task.version}, not {version}")
    return task


def _event(session: Session, actor: Actor, task: ResponseTask, kind: str, now: datetime,
           detail: str | None = None) -> None:  # fmt: skip
    session.add(
        ResponseEvent(
            response_id=task.response_id,
            jurisdiction_id=task.jurisdiction_id,
            task_id=task.id,
            at=utc(now),
            kind=kind,
            user_id=actor.user_id,
            detail=detail,
        )
    )
    audit.record(session, actor, kind, "response_task", [task.id],
                 jurisdiction_id=task.jurisdiction_id)  # fmt: skip


def assign_task(
    session: Session,
    actor: Actor,
    task_id: int,
    *,
    version: int,
    user_id: int | None,
    team: str | None,
    now: datetime,
) -> ResponseTask:
    """Give a task to a person (in scope) or a team."""
    task = _load(session, actor, task_id, version)
    if user_id is not None:
        assignee: User = actor.get(session, User, user_id, f"user {user_id}")
        user_id = assignee.id
    task.assignee_user_id, task.assignee_team = user_id, team
    session.flush()
    _event(session, actor, task, "assigned", now, f"user {user_id}" if user_id else team)
    return task


def complete_task(
    session: Session, actor: Actor, task_id: int, *, version: int, note: str | None, now: datetime
) -> ResponseTask:
    """Complete a task by hand (explicit completion), with an optional note."""
    task = _load(session, actor, task_id, version)
    if task.status != "open":
        raise Problem(409, f"task {task_id} is {task.status}")
    task.status, task.completed_at, task.completed_by = "done", utc(now), actor.user_id
    task.evidence, task.note = "user", note
    session.flush()
    _event(session, actor, task, "completed", now, note)
    return task


def notifications(
    session: Session, actor: Actor, params: PageParams, *, unread: bool = False
) -> tuple[list[ResponseNotification], int]:
    """Escalations to the boards in the actor's subtree, newest first."""
    actor.require("records:read")
    statement = actor.restrict(select(ResponseNotification), ResponseNotification).order_by(
        ResponseNotification.id.desc()
    )
    if unread:
        statement = statement.where(ResponseNotification.read_at.is_(None))
    return fetch_page(session, statement, params)


def mark_read(
    session: Session, actor: Actor, notification_id: int, now: datetime
) -> ResponseNotification:
    actor.require("records:read")
    note: ResponseNotification = actor.get(
        session, ResponseNotification, notification_id, f"notification {notification_id}"
    )
    if note.read_at is None:
        note.read_at, note.read_by = utc(now), actor.user_id
        session.flush()
    return note
