"""The response board of a jurisdiction: its own tasks and the overdue tasks escalated to
it, as a kanban by traffic light or as a list, with filters; and which jurisdiction is late.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.response import board as boards
from fireline.response.schemas import BoardRead, TaskRead
from fireline.response.views import common
from fireline.web.deps import Page, PageContext

router = APIRouter()

COLUMNS: Final = ("red", "yellow", "green")
KANBAN_LIMIT: Final = 40
LIST_LIMIT: Final = 200
AGES: Final = (2, 6, 24, 72)


@dataclass(frozen=True)
class Filters:
    """The board's query string, checked: anything unknown is ignored, never an error."""

    view: str = "kanban"
    light: str | None = None
    type: str | None = None
    assignee: str | None = None
    age: int | None = None

    @classmethod
    def read(cls, page: Page) -> Filters:
        query = page.request.query_params
        light = query.get("light")
        kind = query.get("type")
        age = common.form_int(query.get("age"))
        return cls(
            view="list" if query.get("view") == "list" else "kanban",
            light=light if light in (*COLUMNS, "done") else None,
            type=kind if kind in common.TASK_TYPES else None,
            assignee=(query.get("assignee") or "").strip()[:100] or None,
            age=age if age in AGES else None,
        )

    def wanted(self, light: str | None = None) -> boards.BoardFilter:
        return boards.BoardFilter(
            light=light or self.light,
            type=self.type,
            assignee=self.assignee,
            min_age_hours=float(self.age) if self.age else None,
            include_done=(light or self.light) == "done",
        )


def _columns(page: Page, filters: Filters) -> tuple[BoardRead, dict[str, list[TaskRead]]]:
    """The first tasks of each light, and the board's counts (once, with the first)."""
    session, context, settings = common.session_of(page), page.context, common.settings_of(page)
    first: BoardRead | None = None
    columns: dict[str, list[TaskRead]] = {}
    for light in COLUMNS:
        found = boards.board(
            session,
            context,
            page.here.code,
            settings,
            filters.wanted(light),
            KANBAN_LIMIT,
            counted=first is None,
        )
        first = first or found
        columns[light] = found.tasks
    assert first is not None
    return first, columns


@router.get("/response")
def board_page(page: PageContext) -> Response:
    """The board of the chosen jurisdiction."""
    common.actor_of(page).require("records:read")
    filters = Filters.read(page)
    session, context, settings = common.session_of(page), page.context, common.settings_of(page)
    if filters.view == "list":
        found = boards.board(
            session, context, page.here.code, settings, filters.wanted(), LIST_LIMIT
        )
        tasks = found.tasks
        columns: dict[str, list[TaskRead]] = {}
    else:
        found, columns = _columns(page, filters)
        tasks = [t for column in columns.values() for t in column]
    counts = found.counts
    return page.render(
        "response/board.html",
        **common.shared(page, "board"),
        filters=filters,
        counts=counts,
        capped=found.capped,
        columns=columns,
        tasks=tasks,
        shown=len(tasks),
        total=sum(v for k, v in counts.items() if k != "done"),
        owners=common.places(page, {t.owner_id for t in tasks}),
        diseases=boards.diseases_of(session, context, {t.response_id for t in tasks}),
        disease_names=common.disease_names(page),
        names=common.usernames(page, [t.assignee_user_id for t in tasks]),
        users=common.assignable_users(page),
        late=boards.late_by_owner(session, context, page.here, settings),
        ages=AGES,
        kanban_limit=KANBAN_LIMIT,
    )
