"""The writes of the response detail page: complete a task with a note, assign it, close
the response with a summary. Each form sends the version it read; a stale one re-shows the
page with a 409 and the current state. CSRF is checked by ``page_context``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from fireline.errors import Problem
from fireline.response import board as boards
from fireline.response import service
from fireline.response.views import common
from fireline.response.views.detail import render_detail
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()

SUMMARY_NEEDED = N_("Write a summary before closing the response.")
VERSION_NEEDED = N_("The form is incomplete. Reload the page and try again.")


def _done(response_id: int, what: str) -> Response:
    return RedirectResponse(f"/response/{response_id}?done={what}", status_code=303)


def _task_response(page: Page, task_id: int) -> int:
    """The response of a task in scope (else the 404 page)."""
    task = boards.get_task(
        common.session_of(page), common.record_context(page), task_id, common.settings_of(page)
    )
    return task.response_id


def _refused(page: Page, response_id: int, problem: Problem) -> Response:
    common.session_of(page).expire_all()
    status = problem.status if problem.status in (404, 409, 422) else 400
    return render_detail(page, response_id, status=status, error=common.problem_message(problem))


@router.post("/response/tasks/{task_id}/complete")
def complete_task(task_id: int, page: PageContext, form: PostedForm) -> Response:
    common.actor_of(page).require("cases:write")
    response_id = _task_response(page, task_id)
    version = common.form_int(form.get("version"))
    if version is None:
        return render_detail(page, response_id, status=422, error=(VERSION_NEEDED, {}))
    note = str(form.get("note") or "").strip()[:1000] or None
    try:
        boards.complete_task(
            common.session_of(page),
            common.record_context(page),
            task_id,
            version=version,
            note=note,
        )
    except Problem as problem:
        return _refused(page, response_id, problem)
    return _done(response_id, "completed")


@router.post("/response/tasks/{task_id}/assign")
def assign_task(task_id: int, page: PageContext, form: PostedForm) -> Response:
    common.actor_of(page).require("cases:write")
    response_id = _task_response(page, task_id)
    version = common.form_int(form.get("version"))
    if version is None:
        return render_detail(page, response_id, status=422, error=(VERSION_NEEDED, {}))
    team = str(form.get("team") or "").strip()[:100] or None
    try:
        boards.assign_task(
            common.session_of(page),
            common.record_context(page),
            task_id,
            version=version,
            user_id=common.form_int(form.get("user")),
            team=team,
        )
    except Problem as problem:
        return _refused(page, response_id, problem)
    return _done(response_id, "assigned")


@router.post("/response/{response_id}/close")
def close_response(response_id: int, page: PageContext, form: PostedForm) -> Response:
    common.actor_of(page).require("cases:write")
    service.get_response(common.session_of(page), common.record_context(page), response_id)
    version = common.form_int(form.get("version"))
    summary = str(form.get("summary") or "").strip()[:10_000]
    if version is None or not summary:
        message: common.Message = (SUMMARY_NEEDED if version is not None else VERSION_NEEDED, {})
        return render_detail(page, response_id, status=422, error=message)
    try:
        service.close_response(
            common.session_of(page),
            common.record_context(page),
            response_id,
            summary=summary,
            version=version,
        )
    except Problem as problem:
        return _refused(page, response_id, problem)
    return _done(response_id, "closed")
