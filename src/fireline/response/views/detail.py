"""One response: how it opened, its tasks with lights and evidence, 7-1-7, escalations and
the timeline; the forms to complete and assign tasks and to close the response."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.places.models import Jurisdiction
from fireline.response import board as boards
from fireline.response import inbox, service
from fireline.response.models import Response as ResponseRecord
from fireline.response.models import ResponseNotification
from fireline.response.schemas import TaskRead, TimelineEntry
from fireline.response.views import common
from fireline.web.deps import Page, PageContext
from fireline.web.i18n import N_

router = APIRouter()

NOTICES: Final = {
    "opened": N_("The response is open. Its playbook tasks are on the board."),
    "completed": N_("The task is marked as done."),
    "assigned": N_("The task is assigned."),
    "closed": N_("The response is closed; its open tasks were cancelled."),
}
TIMELINE: Final = {
    "opened": N_("Response opened"),
    "case_joined": N_("A case joined the response"),
    "task_done": N_("Task done"),
    "completed": N_("Task completed by hand"),
    "assigned": N_("Task assigned"),
    "escalated": N_("Overdue task escalated"),
    "closed": N_("Response closed"),
}
CHANGE: Final = N_("Changed")


def _timeline(page: Page, response_id: int) -> list[TimelineEntry]:
    """The service's timeline without duplicates: one "opened" line, one line per completion
    by hand (the service lists both the event and the task's completion)."""
    entries = service.timeline(common.session_of(page), common.record_context(page), response_id)
    shown: list[TimelineEntry] = []
    for entry in entries:
        by_hand = entry.kind == "task_done" and (entry.detail or "").endswith("user")
        opened_again = entry.kind == "opened" and any(e.kind == "opened" for e in shown)
        if not (by_hand or opened_again):
            shown.append(entry)
    return shown


Names = tuple[dict[int, Jurisdiction], dict[int, str]]


def _names(
    page: Page, record: ResponseRecord, tasks: list[TaskRead], notes: list[ResponseNotification]
) -> Names:
    """The places and people the page names, by id: one query each."""
    ids = {
        record.jurisdiction_id,
        *(t.owner_id for t in tasks),
        *(n.jurisdiction_id for n in notes),
    }
    people = [record.opened_by, record.lead_user_id, *(t.assignee_user_id for t in tasks)]
    return common.places(page, ids), common.usernames(page, people)


def render_detail(
    page: Page,
    response_id: int,
    *,
    status: int = 200,
    error: common.Message | None = None,
    notice: str | None = None,
) -> Response:
    session, context = common.session_of(page), common.record_context(page)
    record = service.get_response(session, context, response_id)
    tasks = boards.response_tasks(session, context, response_id, common.settings_of(page))
    dates, intervals = service.metrics(session, context, response_id)
    notes = inbox.of_response(session, context, response_id)
    places, users = _names(page, record, tasks, notes)
    values: dict[str, Any] = {
        **common.shared(page, "responses"),
        "record": record,
        "place": places[record.jurisdiction_id],
        "tasks": tasks,
        "task_names": {t.id: t.name_zh if page.language == "zh" else t.name_en for t in tasks},
        "open_tasks": sum(1 for t in tasks if t.status == "open"),
        "dates": dates,
        "intervals": intervals,
        "timeline": _timeline(page, response_id),
        "timeline_labels": TIMELINE,
        "change_label": CHANGE,
        "escalations": notes,
        # Escalations to boards outside the actor's scope are not readable; the tasks say it.
        "escalated": [t for t in tasks if t.escalation and t.status == "open"],
        "places": places,
        "names": users,
        "users": common.assignable_users(page),
        "disease": common.disease_names(page).get(record.disease, record.disease),
        "error": error,
        "notice": notice,
    }
    return page.render("response/detail.html", status_code=status, **values)


@router.get("/response/{response_id}")
def response_page(response_id: int, page: PageContext) -> Response:
    done = page.request.query_params.get("done") or ""
    return render_detail(page, response_id, notice=NOTICES.get(done))
