"""The order detail's management forms: extend when exposure continues, change the dates,
place and room, extend an isolation, transfer to another jurisdiction.

Each form sends the version it read. The service runs in a SAVEPOINT, so a refusal
after a flush (a full room is found after the new dates were written) leaves nothing
behind; the page is then shown again, current, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from fireline.errors import Problem
from fireline.quarantine import orders, outcomes
from fireline.quarantine.schemas import OrderUpdate
from fireline.quarantine.views import common
from fireline.quarantine.views.detail import done, render_detail
from fireline.quarantine.views.orderforms import (
    NOT_SAVED,
    UNKNOWN_PLACE,
    FormError,
    a_date,
    problem_message,
    required,
    required_date,
    text,
    version,
)
from fireline.web.deps import Page, PageContext, PostedForm

router = APIRouter()
Work = Callable[[FormData], Response | None]


def _attempt(page: Page, form: FormData, order_id: int, what: str, work: Work) -> Response:
    """Run ``work`` on the posted form in a SAVEPOINT; the detail page again on refusal."""
    session = common.session_of(page)
    try:
        with session.begin_nested():
            shown = work(form)
    except FormError as error:
        return render_detail(page, order_id, status=422, error=error.message)
    except Problem as problem:
        session.expire_all()
        message = problem_message(problem)
        # An unknown target is a bad form value, not a missing order.
        status = 422 if message[0] == UNKNOWN_PLACE else problem.status
        return render_detail(page, order_id, status=status, error=message)
    return shown or done(order_id, what)


@router.post("/quarantine/orders/{order_id}/extend")
def extend(order_id: int, page: PageContext, form: PostedForm) -> Response:
    """Exposure continues: recount the end date from the new last exposure."""

    def work(form: FormData) -> None:
        orders.extend_order(
            common.session_of(page),
            common.actor_of(page),
            order_id,
            version=version(form),
            last_exposure=required_date(form, "last_exposure"),
            profiles=common.profiles_of(page),
        )

    return _attempt(page, form, order_id, "extend", work)


def _change(form: FormData) -> OrderUpdate:
    """The change form: home empties the room, a room means a facility, and ``keep``
    (offered only for a room outside the reader's list) leaves the room as it is."""
    kind = text(form, "kind") or None
    if kind not in (None, "home", "facility"):
        raise FormError(NOT_SAVED, detail=f"kind {kind}")
    room = text(form, "room_id")
    keep = room == "keep" and kind != "home"
    placed = kind != "home" and room.isdigit()
    return OrderUpdate(
        version=version(form),
        start_date=a_date(form, "start_date"),
        end_date=a_date(form, "end_date"),
        kind="facility" if placed else kind,
        room_id=int(room) if placed else None,
        clear_room=not (placed or keep),
    )


@router.post("/quarantine/orders/{order_id}/change")
def change(order_id: int, page: PageContext, form: PostedForm) -> Response:
    """New start or end date, home or facility, and the room (checked against capacity)."""

    def work(form: FormData) -> None:
        orders.update_order(
            common.session_of(page),
            common.actor_of(page),
            order_id,
            _change(form),
            profiles=common.profiles_of(page),
        )

    return _attempt(page, form, order_id, "change", work)


@router.post("/quarantine/orders/{order_id}/isolation")
def extend_isolation(order_id: int, page: PageContext, form: PostedForm) -> Response:
    """An isolation extended by a clinician: no release flag before the date given."""

    def work(form: FormData) -> None:
        body = OrderUpdate(version=version(form), review_after=required_date(form, "review_after"))
        orders.update_order(
            common.session_of(page),
            common.actor_of(page),
            order_id,
            body,
            profiles=common.profiles_of(page),
        )

    return _attempt(page, form, order_id, "isolation", work)


@router.post("/quarantine/orders/{order_id}/transfer")
def transfer(order_id: int, page: PageContext, form: PostedForm) -> Response:
    """Hand the order to another jurisdiction. A sender without scope there loses sight of
    it, so the answer is the transfers page, where the transfer line stays."""

    def work(form: FormData) -> Response:
        moved = outcomes.transfer(
            common.session_of(page),
            common.actor_of(page),
            order_id,
            version=version(form),
            to_code=required(form, "to"),
            reason=text(form, "reason") or None,
            now=common.now(page),
        )
        return RedirectResponse(f"/quarantine/transfers?moved={moved.order_id}", status_code=303)

    return _attempt(page, form, order_id, "transfer", work)
