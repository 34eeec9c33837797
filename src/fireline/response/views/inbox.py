"""In-app notifications: overdue tasks escalated to the boards under the chosen jurisdiction
(督办), newest first; each can be marked read. The list is the API's (``response.inbox``)."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from fireline.response import inbox
from fireline.response.views import common
from fireline.web.deps import PageContext, PostedForm

router = APIRouter()
PER_PAGE: Final = 50


@router.get("/response/notifications")
def notifications_page(page: PageContext) -> Response:
    common.actor_of(page).require("records:read")
    query = page.list_query(("unread",), per_page=PER_PAGE)
    found, total = inbox.escalations(common.session_of(page), page.context, query)
    rows = [(e.notification, e.task, e.disease) for e in found]
    ids = {n.jurisdiction_id for n, _, _ in rows} | {t.owner_id for _, t, _ in rows}
    return page.render(
        "response/notifications.html",
        **common.shared(page, "notifications"),
        **common.page_numbers(query, total),
        rows=rows,
        total=total,
        unread_only=query.value("unread") == "1",
        places=common.places(page, ids),
        disease_names=common.disease_names(page),
    )


@router.post("/response/notifications/{notification_id}/read")
def mark_read(notification_id: int, page: PageContext, form: PostedForm) -> Response:
    inbox.mark_read(common.session_of(page), common.record_context(page), notification_id)
    back = "/response/notifications" + ("?unread=1" if form.get("unread") == "1" else "")
    return RedirectResponse(back, status_code=303)
