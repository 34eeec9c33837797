"""The task board of a jurisdiction, who on it is late, and the changes to one task.

A board holds the tasks a jurisdiction owns and the overdue tasks escalated to
it; lights and escalation steps come from the database with the rows
(lights.py), never computed per task in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, union_all
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.models import User
from fireline.bounds import INT64_MAX
from fireline.context import Context
from fireline.errors import Conflict, Problem
from fireline.pagination import COUNT_CAP
from fireline.places.models import Jurisdiction
from fireline.response.lights import (
    LIGHTS,
    Cutoffs,
    board_parts,
    escalation,
    light,
    lit_as_range,
    on_board,
    utc,
)
from fireline.response.models import Response, ResponseEvent, ResponseTask
from fireline.response.names import places
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
    session: Session, context: Context, response_id: int, settings: ResponseSettings
) -> list[TaskRead]:
    """The tasks of a response in scope, in the order they are due, lit at the context's now."""
    actor = context.actor
    actor.require("records:read")
    statement = actor.restrict(select(Task), Task).where(Task.response_id == response_id)
    cuts = Cutoffs.at(context.now(), settings)
    statement = _with_lights(statement.order_by(Task.due_at, Task.id), cuts)
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
    context: Context,
    code: str | None,
    settings: ResponseSettings,
    wanted: BoardFilter,
    limit: int = 500,
    *,
    counted: bool = True,
) -> BoardRead:
    """A jurisdiction's board (default: the context's own), most urgent first, lit at the
    context's now. With ``wanted.subtree`` it holds every task below the jurisdiction.
    ``counted=False`` leaves the counts out (a page that has them already)."""
    actor = context.actor
    actor.require("records:read")
    place = actor.jurisdiction(session, code) if code else None
    place_id = place.id if place else actor.jurisdiction_id
    now = context.now()
    cuts = Cutoffs.at(now, settings)
    if wanted.subtree:
        # The actor narrowed to the place: its scope is the subtree.
        parts = [(actor.within(place) if place else actor).restrict(select(Task), Task)]
    else:
        scoped = actor.restrict(select(Task), Task)
        parts = [scoped.where(part) for part in board_parts(place_id, cuts)]
    parts = [_filtered(part, wanted, now) for part in parts]
    lights = LIGHTS if wanted.include_done else LIGHTS[:3]
    counts, capped = _counts(session, parts, cuts.now, lights) if counted else ({}, [])
    if wanted.light:
        parts = [part.where(lit_as_range(wanted.light, cuts.now)) for part in parts]
    tasks = [task_read(t, li, s) for t, li, s in session.execute(_first(parts, cuts, limit))]
    return BoardRead(
        jurisdiction_code=place.code if place else jurisdiction_code(session, place_id),
        counts=counts,
        capped=capped,
        tasks=tasks,
    )


def _counts(
    session: Session, parts: list[Select[Any]], now: datetime, lights: tuple[str, ...]
) -> tuple[dict[str, int], list[str]]:
    """Tasks per light over the board's parts, each light and part a range of its own
    index, counted up to COUNT_CAP: a seed county's 1.1 M open tasks took 0.5-1.6 s to
    count in full at a wave's scale (issue #17). Returns the counts (none of 0) and
    the lights whose count is the cap, meaning "more than"."""
    counts: dict[str, int] = {}
    for lit in lights:
        firsts = [
            part.where(lit_as_range(lit, now))
            .with_only_columns(Task.id)
            .limit(COUNT_CAP + 1)
            .subquery()
            for part in parts
        ]
        ids = union_all(*(select(first.c.id) for first in firsts)).subquery()
        counted = select(func.count()).select_from(ids)
        if n := int(session.scalar(counted) or 0):
            counts[lit] = min(n, COUNT_CAP + 1)
    capped = [lit for lit, n in counts.items() if n > COUNT_CAP]
    return {lit: min(n, COUNT_CAP) for lit, n in counts.items()}, capped


def _first(parts: list[Select[Any]], cuts: Cutoffs, limit: int) -> Select[Any]:
    """The ``limit`` most urgent tasks of the union of ``parts``: the first ``limit`` of
    each part in due order (an index scan each), then the first ``limit`` of those, where
    one statement with an OR sorted every task on the board (7 s for a seed county's
    300,000 open tasks at a wave's scale, issue #17)."""
    order = (Task.due_at, Task.id)
    if len(parts) == 1:
        return _with_lights(parts[0].order_by(*order).limit(limit), cuts)
    firsts = [
        part.with_only_columns(Task.id).order_by(*order).limit(limit).subquery() for part in parts
    ]
    ids = union_all(*(select(first.c.id) for first in firsts)).subquery()
    chosen = select(Task).where(Task.id.in_(select(ids.c.id)))
    return _with_lights(chosen.order_by(*order).limit(limit), cuts)


def late_by_owner(
    session: Session, context: Context, place: Jurisdiction, settings: ResponseSettings
) -> list[tuple[Jurisdiction, int]]:
    """Overdue open tasks on ``place``'s board per owning jurisdiction, most first: who is
    late."""
    actor = context.actor
    actor.require("records:read")
    cuts = Cutoffs.at(context.now(), settings)
    statement = (
        select(Task.owner_id, func.count())
        .where(on_board(place.id, cuts), Task.status == "open", Task.due_at <= cuts.now)
        .group_by(Task.owner_id)
    )
    counts = dict(session.execute(actor.restrict(statement, Task)).tuples().all())
    owners = places(session, counts)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], owners[item[0]].code))
    return [(owners[owner], int(n)) for owner, n in ranked]


def diseases_of(session: Session, context: Context, response_ids: set[int]) -> dict[int, str]:
    """The disease of each response in scope, by id (a board's cards name it)."""
    if not response_ids:
        return {}
    statement = select(Response.id, Response.disease).where(Response.id.in_(response_ids))
    rows = session.execute(context.actor.restrict(statement, Response)).tuples().all()
    return {int(i): str(d) for i, d in rows}


def jurisdiction_code(session: Session, jurisdiction_id: int) -> str:
    return str(session.scalar(select(Jurisdiction.code).where(Jurisdiction.id == jurisdiction_id)))


def get_task(
    session: Session, context: Context, task_id: int, settings: ResponseSettings
) -> TaskRead:
    """One task in scope, lit at the context's now (else a 404 that says nothing more)."""
    actor = context.actor
    actor.require("records:read")
    statement = actor.restrict(select(Task), Task).where(Task.id == task_id)
    row = session.execute(_with_lights(statement, Cutoffs.at(context.now(), settings))).first()
    if row is None:
        actor.get(session, Task, task_id, f"task {task_id}")  # raises the scoped 404
        raise AssertionError("unreachable")
    return task_read(*row)


def _load(session: Session, context: Context, task_id: int, version: int) -> ResponseTask:
    context.actor.require("cases:write")
    task: ResponseTask = context.actor.get(session, Task, task_id, f"task {task_id}")
    if task.version != version:
        raise Conflict(f"task {task_id} is at version {task.version}, not {version}")
    return task


def _event(
    session: Session, context: Context, task: ResponseTask, kind: str, detail: str | None = None
) -> None:
    session.add(
        ResponseEvent(
            response_id=task.response_id,
            jurisdiction_id=task.jurisdiction_id,
            task_id=task.id,
            at=utc(context.now()),
            kind=kind,
            user_id=context.actor.user_id,
            detail=detail,
        )
    )
    audit.record(
        session,
        context.actor,
        kind,
        "response_task",
        [task.id],
        jurisdiction_id=task.jurisdiction_id,
    )


def assign_task(
    session: Session,
    context: Context,
    task_id: int,
    *,
    version: int,
    user_id: int | None,
    team: str | None,
) -> ResponseTask:
    """Give a task to a person (in scope) or a team."""
    task = _load(session, context, task_id, version)
    if user_id is not None:
        assignee: User = context.actor.get(session, User, user_id, f"user {user_id}")
        user_id = assignee.id
    task.assignee_user_id, task.assignee_team = user_id, team
    session.flush()
    _event(session, context, task, "assigned", f"user {user_id}" if user_id else team)
    return task


def complete_task(
    session: Session, context: Context, task_id: int, *, version: int, note: str | None
) -> ResponseTask:
    """Complete a task by hand (explicit completion), with an optional note."""
    task = _load(session, context, task_id, version)
    if task.status != "open":
        raise Problem(409, f"task {task_id} is {task.status}")
    task.status, task.completed_at = "done", utc(context.now())
    task.completed_by, task.evidence, task.note = context.actor.user_id, "user", note
    session.flush()
    _event(session, context, task, "completed", note)
    return task
