"""The alert list (paged, filtered, sorted, without JavaScript), the dashboard's open
alerts, and acknowledging or dismissing one (htmx or a plain form)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from fireline.errors import Conflict, Problem
from fireline.jurisdictions.service import children
from fireline.listing import ListQuery
from fireline.places.models import Jurisdiction
from fireline.surveillance.signals import service
from fireline.surveillance.signals.models import Alert
from fireline.surveillance.views.common import actor_of, all_disease_options, session_of
from fireline.web.deps import Page, PageContext
from fireline.web.i18n import N_

router = APIRouter()
SHOWN: Final = 25
PER_PAGE: Final = 25
# Method names are the methods' own (EARS, Farrington), the same in every language.
METHOD_NAMES: Final = {
    "ears-c1": "EARS C1",
    "ears-c2": "EARS C2",
    "ears-c3": "EARS C3",
    "farrington": "Farrington",
}
STATUS_NAMES: Final = {
    "open": N_("Open"),
    "closed": N_("Closed (acknowledged or dismissed)"),
    "acknowledged": N_("Acknowledged"),
    "dismissed": N_("Dismissed"),
    "all": N_("All"),
}
NOT_A_DATE: Final = N_("Enter a date as YYYY-MM-DD.")
BEFORE_FROM: Final = N_("This date is before the first date.")
NEEDS_REASON: Final = N_("Give a reason to dismiss an alert.")
CHANGED: Final = N_(
    "Someone else decided on this alert in the meantime; its current state is shown. "
    "Nothing was changed."
)


@dataclass(frozen=True)
class Asked:
    """The list's query as the form shows it and its links carry it; values that mean
    nothing to the list are shown blank, and a date that is not one keeps what was
    typed with a message next to it (``errors``)."""

    status: str = "open"
    method: str = ""
    disease: str = ""
    jurisdiction: str = ""
    signal_from: str = ""
    signal_to: str = ""
    q: str = ""
    sort: str = "newest"
    order: str = "desc"
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, page: Page, query: ListQuery) -> Asked:
        value, given = query.value, page.request.query_params
        status = value("status") if "status" in given else "open"
        errors = _date_errors(value("signal_from"), value("signal_to"))
        return cls(
            status=status if status in service.STATUS_CHOICES else "open",
            method=value("method") if value("method") in METHOD_NAMES else "",
            disease=value("disease"),
            jurisdiction=value("jurisdiction"),
            signal_from=value("signal_from"),
            signal_to=value("signal_to"),
            q=query.q.strip()[:100],
            sort=query.sort if query.sort in service.ALERT_SORTS else "newest",
            order="desc" if query.descending else "asc",
            page=query.offset // query.limit + 1,
            errors=errors,
        )

    def query(self, base: ListQuery) -> ListQuery:
        """What the service is asked: the form's values without the ones in error."""
        filters = {
            "status": self.status,
            "method": self.method,
            "disease": self.disease,
            "jurisdiction": self.jurisdiction,
            "signal_from": "" if "signal_from" in self.errors else self.signal_from,
            "signal_to": "" if "signal_to" in self.errors else self.signal_to,
        }
        return ListQuery(
            filters, q=self.q, sort=self.sort, descending=self.order == "desc", limit=base.limit
        ).with_page(self.page)

    def link(self, **changes: Any) -> str:
        """The query string of this list with some values changed (defaults left out)."""
        values = {**asdict(self), **changes}
        values.pop("errors")
        defaults = asdict(Asked())
        return urlencode({k: v for k, v in values.items() if v not in ("", None, defaults[k])})

    def sort_link(self, key: str) -> str:
        order = "asc" if self.sort == key and self.order == "desc" else "desc"
        return self.link(sort=key, order=order, page=1)


def _date_errors(first: str, last: str) -> dict[str, str]:
    errors, days = {}, {}
    for name, text in (("signal_from", first), ("signal_to", last)):
        try:
            days[name] = date.fromisoformat(text) if text else None
        except ValueError:
            errors[name] = NOT_A_DATE
    start, end = days.get("signal_from"), days.get("signal_to")
    if start and end and end < start:
        errors["signal_to"] = BEFORE_FROM
    return errors


@router.get("/surveillance/alerts")
def alert_list(page: PageContext) -> Response:
    """The alerts of the chosen subtree, a page at a time (open ones unless asked)."""
    asked = Asked.of(page, page.list_query(service.ALERT_FILTERS, PER_PAGE))
    session, actor = session_of(page), actor_of(page)
    rows, total = service.list_alerts(
        session, page.context.actor, asked.query(ListQuery(limit=PER_PAGE))
    )
    return page.render(
        "surveillance/alerts.html",
        nav="surveillance",
        subnav="alerts",
        today=page.today(),
        query=asked,
        alerts=rows,
        total=total,
        pages=max(1, -(-total // PER_PAGE)),
        first=(asked.page - 1) * PER_PAGE + 1,
        methods=METHOD_NAMES,
        statuses=STATUS_NAMES,
        diseases=all_disease_options(page),
        areas=children(session, actor, page.here.code),
        can_decide=actor.can("cases:write"),
        back="?" + asked.link(),
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
    back: Annotated[str, Form(max_length=2000)] = "",
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
    # Back to the alert list with its filters (only a query string: no open redirect).
    if back.startswith("?"):
        return RedirectResponse(f"/surveillance/alerts{back}#alert-{alert_id}", status_code=303)
    return RedirectResponse("/surveillance#alerts", status_code=303)
