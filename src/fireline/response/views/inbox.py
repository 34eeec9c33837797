"""In-app notifications: overdue tasks escalated to the boards under the chosen jurisdiction
(督办), newest first; each can be marked read."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from fireline.response import board as boards
from fireline.response.models import Response as ResponseRecord
from fireline.response.models import ResponseNotification, ResponseTask
from fireline.response.views import common
from fireline.web import landing
from fireline.web.deps import PageContext, PostedForm

router = APIRouter()
PER_PAGE: Final = 50


@router.get("/response/notifications")
def notifications_page(page: PageContext) -> Response:
    common.actor_of(page).require("records:read")
    session = common.session_of(page)
    unread_only = page.request.query_params.get("unread") == "1"
    number = max(1, common.form_int(page.request.query_params.get("page")) or 1)
    base = select(ResponseNotification)
    if unread_only:
        base = base.where(ResponseNotification.read_at.is_(None))
    base = landing.scoped(page, base, ResponseNotification)
    total = int(session.scalar(base.with_only_columns(func.count())) or 0)
    statement = (
        base.add_columns(ResponseTask, ResponseRecord.disease)
        .join(ResponseTask, ResponseTask.id == ResponseNotification.task_id)
        .join(ResponseRecord, ResponseRecord.id == ResponseNotification.response_id)
        .order_by(ResponseNotification.created_at.desc(), ResponseNotification.id.desc())
        .limit(PER_PAGE)
        .offset((number - 1) * PER_PAGE)
    )
    rows = session.execute(statement).tuples().all()
    ids = {n.jurisdiction_id for n, _, _ in rows} | {t.owner_id for _, t, _ in rows}
    return page.render(
        "response/notifications.html",
        **common.shared(page, "notifications"),
        rows=rows,
        total=total,
        number=number,
        pages=max(1, -(-total // PER_PAGE)),
        unread_only=unread_only,
        places=common.places(session, ids),
        disease_names=common.disease_names(page),
    )


@router.post("/response/notifications/{notification_id}/read")
def mark_read(notification_id: int, page: PageContext, form: PostedForm) -> Response:
    boards.mark_read(common.session_of(page), common.actor_of(page), notification_id,
                     common.now(page))  # fmt: skip
    back = "/response/notifications" + ("?unread=1" if form.get("unread") == "1" else "")
    return RedirectResponse(back, status_code=303)
