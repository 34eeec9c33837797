"""The queue of proposed orders (``/quarantine/proposals``): the contacts tracing listed,
with the profile's dates and test days, for a person to confirm or cancel at once.

Each checkbox carries the version it was read at. When someone else decided on one of
the selected orders meanwhile, the whole batch is refused, nothing is changed, and the
queue is shown again, current, saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from fireline.errors import Problem
from fireline.quarantine import facilities, proposals
from fireline.quarantine.rooms import FreeRoom
from fireline.quarantine.schemas import FacilityRead, ProposalDecisions
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


NOT_ENOUGH_ROOMS: Final = N_(
    "Only %(free)s free places in this facility for the %(n)s people selected. Nothing "
    "was changed: select fewer people or choose another facility."
)
ROOM_FULL: Final = N_(
    "Room %(room)s cannot take everyone chosen for it. Nothing was changed: choose another room."
)


@dataclass(frozen=True)
class RoomPlan:
    """The rooms the selected contacts would get, shown for the reviewer to change."""

    facility: FacilityRead
    picks: list[str]
    rooms: list[FreeRoom]
    chosen: dict[int, int]


def render_queue(
    page: Page, *, status: int = 200, error: str | None = None, plan: RoomPlan | None = None
) -> Response:
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
        plan=plan,
        names={row.order_id: row.name for row in rows},
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
        chosen = {
            key[5:]: str(value) for key, value in form.multi_items() if key.startswith("room-")
        }
        if chosen:
            body["rooms"] = chosen
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
    if data.facility_id is not None and data.rooms is None:
        return _plan(page, form, data)
    try:
        ids = proposals.decide(
            session, common.actor_of(page), data, now=common.now(page), today=common.today(page)
        )
    except Problem as problem:
        if problem.status not in REFUSALS:
            raise
        session.expire_all()
        if problem.status == 409 and (problem.detail or "").startswith("room "):
            room = (problem.detail or "").split(" ")[1]
            return render_queue(page, status=409, error=page.gettext(ROOM_FULL) % {"room": room})
        # a 422 other than an ended period is a bad choice in the form (a closed facility)
        known = problem.status != 422 or "ended" in problem.extensions
        message = page.gettext(REFUSALS[problem.status]) if known else _invalid(page, body)
        return render_queue(page, status=problem.status, error=message)
    return RedirectResponse(f"{QUEUE}?done={data.decision}&n={len(ids)}", status_code=303)


def _plan(page: Page, form: FormData, data: ProposalDecisions) -> Response:
    """The confirm step for a facility: the free rooms shared out, to check and change."""
    assert data.facility_id is not None
    session, actor = common.session_of(page), common.actor_of(page)
    ids = [o.id for o in data.orders]
    try:
        free, chosen = proposals.plan_rooms(session, actor, data.facility_id, ids)
    except Problem as problem:
        if problem.status == 409:
            values = {"free": str(problem.extensions.get("free_places", 0)), "n": str(len(ids))}
            return render_queue(page, status=409, error=page.gettext(NOT_ENOUGH_ROOMS) % values)
        if problem.status not in REFUSALS:
            raise
        return render_queue(page, status=problem.status, error=_invalid(page, _body(form)))
    facility = facilities.occupancy(session, actor, None, common.today(page), data.facility_id)
    picks = [str(v) for v in form.getlist("pick")]
    return render_queue(page, plan=RoomPlan(facility[0], picks, free, chosen))
