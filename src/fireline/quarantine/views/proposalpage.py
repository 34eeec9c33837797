"""The queue of proposed orders (``/quarantine/proposals``): the contacts tracing listed,
with the profile's dates and test days, for a person to confirm or cancel at once.

Each checkbox carries the version it was read at. When someone else decided on one of
the selected orders meanwhile, the whole batch is refused, nothing is changed, and the
queue is shown again, current, saying so.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from fireline.errors import Problem
from fireline.quarantine import facilities, proposals
from fireline.quarantine.schemas import ProposalDecisions
from fireline.quarantine.views import common
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()
QUEUE: Final = "/quarantine/proposals"
PAGE_SIZE: Final = 50
# What the page says when a decision is refused (the service's detail is English only).
REFUSALS: Final = {
    404: N_(
        "Some of what you selected is no longer there or is outside your jurisdiction. "
        "Nothing was changed."
    ),
    409: N_("Someone else decided on some of these in the meantime. Nothing was changed."),
    422: N_(
        "The quarantine period of some selected orders is already over: cancel them "
        "instead. Nothing was changed."
    ),
}


def render_queue(page: Page, *, status: int = 200, error: str | None = None) -> Response:
    session, actor = common.session_of(page), common.actor_of(page)
    day = common.today(page)
    query = page.list_query(("disease", "category", "kind"), per_page=PAGE_SIZE)
    number = query.offset // PAGE_SIZE + 1
    rows, total = proposals.list_proposals(
        session, actor, page.here, query, now=common.now(page), today=day
    )
    can_decide = actor.can("cases:write")
    return page.render(
        "quarantine/proposals.html",
        status_code=status,
        nav="quarantine",
        subnav="proposals",
        today=day,
        rows=rows,
        total=total,
        waiting=total,
        number=number,
        pages=max(1, -(-total // PAGE_SIZE)),
        can_decide=can_decide,
        facilities=facilities.occupancy(session, actor, page.here, day) if can_decide else [],
        done=page.request.query_params.get("done"),
        done_n=common.form_int(page.request.query_params.get("n")) or 0,
        error=error,
    )


@router.get(QUEUE)
def queue_page(page: PageContext) -> Response:
    return render_queue(page)


def _body(form: FormData) -> dict[str, Any]:
    """The decision as the API takes it; a checkbox's value is ``id:version``."""
    picked = []
    for value in form.getlist("pick"):
        order_id, _, version = str(value).partition(":")
        picked.append({"id": order_id, "version": version})
    decision = str(form.get("decision") or "")
    body: dict[str, Any] = {
        "decision": decision,
        "orders": picked,
        "reason": str(form.get("reason") or "").strip()[:500] or None,
    }
    place = str(form.get("place") or "") if decision == "confirm" else ""
    if place in ("home", "facility"):
        body["kind"] = place
    elif place.startswith("f") and place[1:].isdigit():
        body.update(kind="facility", facility_id=int(place[1:]))
    return body


def _invalid(page: Page, body: dict[str, Any]) -> str:
    if not body["orders"]:
        return page.gettext("Select at least one proposed order.")
    if body["decision"] == "cancel" and not body["reason"]:
        return page.gettext("Give a reason to cancel the selected orders.")
    return page.gettext("The form is not valid. Reload the page and try again.")


@router.post(f"{QUEUE}/decisions")
def decide_page(page: PageContext, form: PostedForm) -> Response:
    """Bulk decision from the checkboxes; back to the queue with how many were decided."""
    body = _body(form)
    try:
        data = ProposalDecisions.model_validate(body)
    except ValidationError:
        return render_queue(page, status=422, error=_invalid(page, body))
    session = common.session_of(page)
    try:
        ids = proposals.decide(
            session, common.actor_of(page), data, now=common.now(page), today=common.today(page)
        )
    except Problem as problem:
        if problem.status not in REFUSALS:
            raise
        session.expire_all()
        # a 422 other than an ended period is a bad choice in the form (a closed facility)
        known = problem.status != 422 or "ended" in problem.extensions
        message = page.gettext(REFUSALS[problem.status]) if known else _invalid(page, body)
        return render_queue(page, status=problem.status, error=message)
    return RedirectResponse(f"{QUEUE}?done={data.decision}&n={len(ids)}", status_code=303)
