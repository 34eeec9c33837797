"""The notifications (督办): overdue tasks escalated to the boards in the context's subtree.

One list serves the notifications page and ``GET /api/v1/responses/notifications``
(:data:`ESCALATIONS`); the response page reads the escalations of one response, and
the sub-navigation counts the unread ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from fireline.context import Context
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.response.lights import utc
from fireline.response.models import Response, ResponseNotification, ResponseTask

Note = ResponseNotification
YES: Final = ("1", "true", "yes", "on")


def _unread(text: str) -> ColumnElement[bool] | None:
    """``unread=1`` (the page) or ``unread=true`` (the API): the unread ones only."""
    return Note.read_at.is_(None) if text.lower() in YES else None


ESCALATIONS: Final = ListSpec(
    sorts={"created": (Note.created_at, Note.id), "step": (Note.step, Note.id)},
    default_sort="created",
    filters={"unread": _unread},
)


@dataclass(frozen=True)
class Escalation:
    """One notification with the task it is about and the response's disease."""

    notification: ResponseNotification
    task: ResponseTask
    disease: str


def escalations(
    session: Session, context: Context, query: ListQuery
) -> tuple[list[Escalation], int]:
    """One page of the escalations to the boards in the context's subtree, and the total."""
    context.actor.require("records:read")
    statement = (
        select(Note, ResponseTask, Response.disease)
        .join(ResponseTask, ResponseTask.id == Note.task_id)
        .join(Response, Response.id == Note.response_id)
    )
    statement = context.actor.restrict(statement, Note)
    rows, total = search_filter_sort_paginate(session, statement, ESCALATIONS, query, scalars=False)
    return [Escalation(note, task, str(disease)) for note, task, disease in rows], total


def unread_count(session: Session, context: Context) -> int:
    """Unread escalations to the boards in the context's subtree."""
    statement = select(func.count()).select_from(Note).where(Note.read_at.is_(None))
    return int(session.scalar(context.actor.restrict(statement, Note)) or 0)


def of_response(session: Session, context: Context, response_id: int) -> list[Note]:
    """The escalations of one response to boards in scope, oldest first; those to boards
    above the actor's are not theirs to read (the tasks show that they were escalated)."""
    context.actor.require("records:read")
    statement = (
        select(Note).where(Note.response_id == response_id).order_by(Note.created_at, Note.id)
    )
    return list(session.scalars(context.actor.restrict(statement, Note)))


def mark_read(session: Session, context: Context, notification_id: int) -> Note:
    actor = context.actor
    actor.require("records:read")
    note: Note = actor.get(session, Note, notification_id, f"notification {notification_id}")
    if note.read_at is None:
        note.read_at, note.read_by = utc(context.now()), actor.user_id
        session.flush()
    return note
