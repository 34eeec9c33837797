"""Traffic lights and escalation of playbook tasks, as SQL over ``due_at`` and ``now``.

green: on time; yellow: less than a quarter of the allowed time left; red: overdue.
An overdue task appears on its owner's parent's board after ``parent_delay_hours``
and on the grandparent's after a further ``grandparent_delay_hours``. Everything is
a CASE expression evaluated by the database for all tasks at once; no task is
looked at one by one in Python (docs/architecture.md, "Set-based hot paths").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    and_,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union,
    update,
)
from sqlalchemy.orm import Session

from fireline.db.sqlfn import drop, stage, write, write_big
from fireline.response.models import ResponseNotification, ResponseTask
from fireline.response.settings import ResponseSettings

LIGHTS = ("green", "yellow", "red", "done")


def utc(moment: datetime) -> datetime:
    """An aware UTC instant; SQLite hands back naive datetimes, which are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class Cutoffs:
    """The instants a deadline must be before for each escalation step, at ``now``."""

    now: datetime
    parent: datetime
    grandparent: datetime

    @classmethod
    def at(cls, now: datetime, settings: ResponseSettings) -> Cutoffs:
        now = utc(now)
        parent = now - timedelta(hours=settings.parent_delay_hours)
        grandparent = parent - timedelta(hours=settings.grandparent_delay_hours)
        return cls(now, parent, grandparent)


def open_light(now: datetime) -> ColumnElement[str]:
    """The traffic light of an open task at ``now``: it reads no ``status``, so a count over
    open tasks is an index-only scan of ``ix_response_tasks_open_lights``."""
    task = ResponseTask
    return case(
        (task.due_at <= utc(now), "red"), (task.yellow_at <= utc(now), "yellow"), else_="green"
    )


def light(now: datetime) -> ColumnElement[str]:
    """The task's traffic light at ``now``."""
    return case((ResponseTask.status == "done", "done"), else_=open_light(now))


def lit_as_range(wanted: str, now: datetime) -> ColumnElement[bool]:
    """``light(now) == wanted`` as ranges of ``due_at`` and ``yellow_at``: the same rows, but
    a board's index reads only them in due order, where the CASE made it read a county's
    250,000 overdue tasks before its first green one (issue #17)."""
    task, at = ResponseTask, utc(now)
    ranges: dict[str, ColumnElement[bool]] = {
        "done": task.status == "done",
        "red": and_(task.status != "done", task.due_at <= at),
        "yellow": and_(task.status != "done", task.due_at > at, task.yellow_at <= at),
        "green": and_(task.status != "done", task.due_at > at, task.yellow_at > at),
    }
    return ranges.get(wanted, light(now) == wanted)


def open_escalation(cuts: Cutoffs) -> ColumnElement[int]:
    """The escalation step of an open task: 0 its owner's board only, 1 also the parent's,
    2 also the grandparent's."""
    task = ResponseTask
    return case(
        (and_(task.grandparent_id.is_not(None), task.due_at <= cuts.grandparent), 2),
        (and_(task.parent_id.is_not(None), task.due_at <= cuts.parent), 1),
        else_=0,
    )


def escalation(cuts: Cutoffs) -> ColumnElement[int]:
    """The task's escalation step (0 once it is done)."""
    return case((ResponseTask.status != "open", 0), else_=open_escalation(cuts))


def board_parts(jurisdiction_id: int, cuts: Cutoffs) -> tuple[ColumnElement[bool], ...]:
    """The three ways a task is on a jurisdiction's board: owned, escalated to it as the
    parent, or as the grandparent. They never overlap (a task's owner, parent and
    grandparent are three places), so a board is their union, each part read through
    its own index (``ix_response_tasks_open_owner`` / ``_parent`` / ``_grandparent``)."""
    task = ResponseTask
    return (
        task.owner_id == jurisdiction_id,
        and_(task.parent_id == jurisdiction_id, task.status == "open", task.due_at <= cuts.parent),
        and_(
            task.grandparent_id == jurisdiction_id,
            task.status == "open",
            task.due_at <= cuts.grandparent,
        ),
    )


def on_board(jurisdiction_id: int, cuts: Cutoffs) -> ColumnElement[bool]:
    """Tasks a jurisdiction must act on: its own, and the overdue ones escalated to it."""
    return or_(*board_parts(jurisdiction_id, cuts))


def yellow_at(started_at: datetime, due_at: datetime) -> datetime:
    """When a quarter of the allowed time is left."""
    return due_at - (due_at - started_at) / 4


@dataclass(frozen=True)
class LightCount:
    owner_id: int
    light: str
    escalation: int
    tasks: int


def all_lights(session: Session, now: datetime, settings: ResponseSettings) -> list[LightCount]:
    """Lights and escalation steps of every open task, counted per owner: one query."""
    cuts = Cutoffs.at(now, settings)
    lit, step = open_light(cuts.now).label("light"), open_escalation(cuts).label("step")
    statement: Any = (
        select(ResponseTask.owner_id, lit, step, func.count().label("n"))
        .where(ResponseTask.status == "open")
        .group_by(ResponseTask.owner_id, lit, step)
    )
    return [
        LightCount(int(o), str(li), int(s), int(n)) for o, li, s, n in session.execute(statement)
    ]


def record_escalations(session: Session, now: datetime, settings: ResponseSettings) -> int:
    """Record the escalation steps every overdue task has reached; returns how many are new.

    The overdue open tasks whose ``escalated`` step is below a step they reached (a partial
    index per step holds only the tasks that may still reach that board) are staged once in
    a temporary table, written as notifications, one INSERT per step, and each task is
    marked once with the highest step it reached, in the caller's transaction. One UPDATE,
    not one per step: a task of a bulk load overdue by a day reaches both steps at once, and
    each UPDATE writes a new version of the row in every index. Nothing is anti-joined
    against the notifications: at 3 million open tasks that anti-join alone took over a
    second in the steady state.
    """
    cuts = Cutoffs.at(now, settings)
    task = ResponseTask
    stamp = literal(cuts.now, DateTime(timezone=True))
    due = union(
        *(
            select(task.id.label("task_id"), task.response_id, task.parent_id, task.grandparent_id)
            .where(
                # Literal steps, so that PostgreSQL sees the partial index's predicate holds.
                text(f"response_tasks.status = 'open' AND response_tasks.escalated < {step:d}"),
                board.is_not(None),
                task.due_at <= cutoff,
            )
            .add_columns(task.escalated, task.due_at)
            for step, board, cutoff in (
                (1, task.parent_id, cuts.parent),
                (2, task.grandparent_id, cuts.grandparent),
            )
        )
    )
    staged = stage(session, "fl_escalations", select(due.subquery()))
    reached = {
        1: and_(staged.c.parent_id.is_not(None), staged.c.due_at <= cuts.parent),
        2: and_(staged.c.grandparent_id.is_not(None), staged.c.due_at <= cuts.grandparent),
    }
    boards = {1: staged.c.parent_id, 2: staged.c.grandparent_id}
    columns = ["task_id", "response_id", "step", "jurisdiction_id", "created_at"]
    created = 0
    for step in (1, 2):
        rows = select(
            staged.c.task_id, staged.c.response_id, literal(step, Integer), boards[step], stamp
        ).where(staged.c.escalated < step, reached[step])
        created += write_big(
            session,
            insert(ResponseNotification).from_select(columns, rows),
            "response_notifications",
        )
    highest = case((reached[2], 2), else_=1)
    marked = (
        update(task)
        .where(task.id == staged.c.task_id)
        .values(escalated=highest)
        .execution_options(synchronize_session=False)
    )
    write(session, marked)
    drop(session, "fl_escalations")
    return created
