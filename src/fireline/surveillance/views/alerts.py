"""The dashboard's open alerts, and acknowledging or dismissing one (htmx or a plain form)."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery
from fireline.places.models import Jurisdiction
from fireline.surveillance.signals import service
from fireline.surveillance.signals.models import Alert
from fireline.surveillance.views.common import actor_of, session_of
from fireline.web.deps import Page, PageContext
from fireline.web.i18n import N_

router = APIRouter()
SHOWN: Final = 25
METHOD_NAMES: Final = {"ears-c1": "EARS C1", "ears-c2": "EARS C2", "ears-c3": "EARS C3"}
NEEDS_REASON: Final = N_("Give a reason to dismiss an alert.")
CHANGED: Final = N_(
    "Someone else decided on this alert in the meantime; its current state is shown. "
    "Nothing was changed."
)


def open_alerts(page: Page) -> list[tuple[Alert, Jurisdiction]]:
    """Open alerts in the chosen subtree, newest and strongest first (the alert list)."""
    query = ListQuery({"status": "open"}, limit=SHOWN)
    rows, _ = service.list_alerts(session_of(page), page.context.actor, query)
    return rows


def _row(page: Page, alert: Alert, status: int = 200, message: str | None = None) -> Response:
    place = session_of(page).get_one(Jurisdiction, alert.jurisdiction_id)
    return page.render(
        "surveillance/_alert_row.html",
        status_code=status,
        alert=alert,
        place=place,
        message=page.gettext(message) if message else None,
        can_decide=actor_of(page).can("cases:write"),
        methods=METHOD_NAMES,
    )


@router.post("/surveillance/alerts/{alert_id}/decision")
def decide(
    alert_id: int,
    page: PageContext,
    request: Request,
    action: Annotated[str, Form()],
    version: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Acknowledge, or dismiss with a reason; a stale version is shown as a 409 row."""
    session, actor = session_of(page), actor_of(page)
    alert: Alert = actor.get(session, Alert, alert_id, f"alert {alert_id}")
    if action not in ("acknowledge", "dismiss"):
        raise Problem(400, "unknown action")
    status, message = 200, None
    if action == "dismiss" and not reason.strip():
        status, message = 422, NEEDS_REASON
    else:
        try:
            alert = service.decide(
                session,
                actor,
                alert_id,
                action=action,
                reason=reason.strip() or None,
                version=version,
                now=page.context.now(),
            )
        except Conflict:
            status, message = 409, CHANGED
    if request.headers.get("hx-request") == "true":
        return _row(page, alert, status, message)
    if status != 200:
        raise Problem(status, message or "")
    return RedirectResponse("/surveillance#alerts", status_code=303)
