"""Conversion of an order, asked and confirmed (``/quarantine/orders/{id}/convert``).

The order page loads the panel (``_convert.html``): a positive result's proposal with its
evidence, the person's case of the disease if there is one, the infector. Each decision
needs the confirmation box ticked and a reason, both checked here and again by the
service; a refusal shows the panel on its own page with the message beside its field and
everything typed kept. A person who already has a case is never made a second one: the
panel offers that case and the conversion to isolation instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from fireline.errors import Problem
from fireline.quarantine import orders, outcomes
from fireline.quarantine.days import today_in
from fireline.quarantine.positives import service
from fireline.quarantine.views import common
from fireline.quarantine.views.orderforms import CHANGED, NOT_ACTIVE
from fireline.web.deps import Page, PageContext, PostedForm, whole_scope
from fireline.web.i18n import N_

router = APIRouter()
ACTIONS: Final = ("isolate", "suspect", "dismiss")
KINDS: Final = ("facility", "home")
REASON: Final = N_("Reason")
CONFIRM: Final = N_("Confirmation")
GIVE_REASON: Final = N_("Give a reason: it is kept with the decision.")
TOO_LONG: Final = N_("The reason is longer than %(max)s characters: shorten it.")
TICK: Final = N_("Tick the box to confirm.")
ALREADY_CASE: Final = N_(
    "This person is already case #%(id)s of this disease. No second case was made and the "
    "quarantine goes on: open the case, or convert the quarantine to isolation."
)
NOTHING_TO_CONVERT: Final = N_(
    "There is no positive result or case to convert on: make a suspected case instead."
)
NO_PROPOSAL: Final = N_("There is no open proposal on this order any more.")
UNKNOWN: Final = N_("This could not be saved. Nothing was changed.")

Message = tuple[str, dict[str, str]]


@dataclass
class Asked:
    """What the form sent, kept to show it again after a refusal."""

    action: str = ""
    reason: str = ""
    kind: str = "facility"
    confirmed: bool = False
    errors: list[Message] = field(default_factory=list)


def _read(form: FormData) -> Asked:
    kind = str(form.get("kind") or "facility")
    asked = Asked(
        action=str(form.get("action") or ""),
        reason=str(form.get("reason") or "").strip(),
        kind=kind if kind in KINDS else "facility",
        confirmed=form.get("confirm") == "yes",
    )
    if not asked.reason:
        asked.errors.append((GIVE_REASON, {"field": REASON}))
    elif len(asked.reason) > service.REASON_MAX:
        asked.errors.append((TOO_LONG, {"field": REASON, "max": str(service.REASON_MAX)}))
    if asked.action != "dismiss" and not asked.confirmed:
        asked.errors.append((TICK, {"field": CONFIRM}))
    return asked


def render(
    page: Page, order_id: int, *, full: bool, asked: Asked | None = None, status: int = 200
) -> Response:
    """The panel alone (loaded into the order page) or on its own page (after a refusal)."""
    session, actor = common.session_of(page), common.actor_of(page)
    panel = service.order_panel(session, actor, order_id)
    return page.render(
        "quarantine/convert.html" if full else "quarantine/_convert.html",
        status_code=status,
        nav="quarantine",
        subnav="due",
        panel=panel,
        order=panel.order,
        can_write=actor.can("cases:write"),
        asked=asked or Asked(),
        waiting=common.waiting(page) if full else 0,
    )


@router.get("/quarantine/orders/{order_id}/conversion")
def conversion_panel(order_id: int, page: PageContext) -> Response:
    return render(page, order_id, full=False)


@router.get("/quarantine/orders/{order_id}/convert")
def conversion_page(order_id: int, page: PageContext) -> Response:
    return render(page, order_id, full=True)


def _problem(problem: Problem) -> Message:
    """A service refusal said in the page's language; English details stay in the API."""
    extra = problem.extensions
    if problem.status == 409 and "case_id" in extra:
        return ALREADY_CASE, {"id": str(extra["case_id"])}
    if problem.status == 409:
        detail = problem.detail or ""
        if "at version" in detail:
            return CHANGED, {}
        return (NO_PROPOSAL, {}) if "proposal" in detail else (NOT_ACTIVE, {})
    if problem.detail.startswith("there is no positive result"):
        return NOTHING_TO_CONVERT, {}
    return UNKNOWN, {}


@router.post("/quarantine/orders/{order_id}/convert")
def convert(order_id: int, page: PageContext, form: PostedForm) -> Response:
    asked = _read(form)
    version = common.form_int(form.get("version"))
    if asked.action not in ACTIONS or version is None:
        asked.errors.append((UNKNOWN, {}))
    if asked.errors:
        return render(page, order_id, full=True, asked=asked, status=422)
    session = common.session_of(page)
    try:
        with session.begin_nested():  # a refusal after a flush leaves nothing behind
            target = _decide(page, order_id, asked, version or 0)
    except Problem as problem:
        session.expire_all()
        asked.errors.append(_problem(problem))
        return render(page, order_id, full=True, asked=asked, status=problem.status)
    return RedirectResponse(f"/quarantine/orders/{target}?done=convert", status_code=303)


def _decide(page: Page, order_id: int, asked: Asked, version: int) -> int:
    """Run the decision; returns the order page to show next."""
    session, context = common.session_of(page), whole_scope(page)
    order = orders.get_order(session, context.actor, order_id)
    today = today_in(session, context, order.jurisdiction_id)
    if asked.action == "dismiss":
        service.dismiss(session, context, order_id, reason=asked.reason)
        return order_id
    if asked.action == "suspect":
        outcomes.convert(
            session,
            context,
            order_id,
            version=version,
            onset=None,
            today=today,
            reason=asked.reason,
        )
        return order_id
    done = outcomes.convert_to_isolation(
        session,
        context,
        order_id,
        version=version,
        reason=asked.reason,
        kind=asked.kind,
        today=today,
    )
    return done.isolation.id
