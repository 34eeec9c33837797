"""The list of responses, with their open and overdue task counts: one list for the
responses page and ``GET /api/v1/responses`` (:data:`RESPONSES`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from fireline.context import Context
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.response.lights import utc
from fireline.response.models import Response, ResponseTask

STATUSES: Final = ("open", "closed")


def _status(text: str) -> ColumnElement[bool] | None:
    """``open`` or ``closed``; anything else (the page's ``all``) lists both."""
    return Response.status == text if text in STATUSES else None


def _disease(text: str) -> ColumnElement[bool]:
    return Response.disease == text


def _search(text: str) -> list[ColumnElement[bool]]:
    """A response number, or words of its summary."""
    found = [func.lower(Response.summary).contains(text.lower(), autoescape=True)]
    if text.isascii() and text.isdigit() and len(text) < 19:
        found.append(Response.id == int(text))
    return found


RESPONSES: Final = ListSpec(
    sorts={
        "opened": (Response.opened_at, Response.id),
        "closed": (Response.closed_at, Response.id),
        "level": (Response.level, Response.id),
    },
    default_sort="opened",
    filters={"status": _status, "disease": _disease},
    search=_search,
)


@dataclass(frozen=True)
class ListedResponse:
    """A response as the list shows it: with its open tasks and how many are overdue."""

    response: Response
    open_tasks: int
    overdue_tasks: int


def list_responses(
    session: Session, context: Context, query: ListQuery
) -> tuple[list[ListedResponse], int]:
    """One page of the responses in the context's subtree (newest first unless sorted
    otherwise), with their task counts at the context's now, and the total."""
    context.actor.require("records:read")
    statement = context.actor.restrict(select(Response), Response)
    found, total = search_filter_sort_paginate(session, statement, RESPONSES, query)
    counts = task_counts(session, (r.id for r in found), context.now())
    listed = [ListedResponse(r, *counts.get(r.id, (0, 0))) for r in found]
    return listed, total


def task_counts(
    session: Session, response_ids: Iterable[int], now: datetime
) -> dict[int, tuple[int, int]]:
    """(open, overdue) tasks per response, for one page of responses: one grouped query
    over their tasks, not a count per response."""
    wanted = set(response_ids)
    if not wanted:
        return {}
    late = func.sum(case((ResponseTask.due_at <= utc(now), 1), else_=0))
    statement = (
        select(ResponseTask.response_id, func.count(), late)
        .where(ResponseTask.response_id.in_(wanted), ResponseTask.status == "open")
        .group_by(ResponseTask.response_id)
    )
    return {int(r): (int(n), int(k or 0)) for r, n, k in session.execute(statement)}
