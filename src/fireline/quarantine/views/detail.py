"""Order detail (``/quarantine/orders/{id}``): the person's phone and address, the cases
it links to, dates, test days, flags, follow-up and transfer history, and the actions:
record a follow-up, issue a self-report link (here; converting has its own form, convert.py), admit
to or move between rooms (facility staff), review a release (releasepage.py), extend,
change, transfer (manage.py). Each form sends the version it read; CSRF is checked by
page_context."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from fireline.errors import Problem
from fireline.listing import ListQuery
from fireline.quarantine import (
    detail,
    duelist,
    facilities,
    followup,
    orders,
    outcomes,
    plans,
    staff,
)
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.views import common, followupform, selflink
from fireline.quarantine.views.orderforms import NOT_SAVED, Message, problem_message
from fireline.web.deps import Page, PageContext, PostedForm

router = APIRouter()
# Converting to a case is not here: it asks a reason and a confirmation on its own form
# (views/convert.py), so a hand-made ``action=convert`` is refused like any unknown one.
ACTIONS = ("link",)
HISTORY_SHOWN = 100  # the latest reports; the API pages through all of them


def render_detail(
    page: Page,
    order_id: int,
    *,
    status: int = 200,
    error: Message | None = None,
    link: str | None = None,
    field_errors: dict[str, Message] | None = None,
    entered: followupform.Typed | None = None,
) -> Response:
    session, actor = common.session_of(page), common.actor_of(page)
    order = orders.get_order(session, actor, order_id)
    person = detail.person_under(session, actor, order)
    history, _ = followup.history(session, actor, order.id, ListQuery(limit=HISTORY_SHOWN))
    f = duelist.flags(
        common.today(page), common.now(page), common.settings_of(page).non_reporting_hours
    )
    return page.render(
        "quarantine/detail.html",
        status_code=status,
        nav="quarantine",
        subnav="due",
        today=common.today(page),
        order=order,
        person=person,
        # a case page needs "cases:read": facility staff see the order, not the case
        cases=detail.case_links(session, order) if actor.can("cases:read") else None,
        history=history,
        flags=duelist.order_flags(session, order.id, f),
        error=error,
        field_errors=field_errors or {},
        entered=entered or followupform.Typed(),
        link=link,
        qr=selflink.qr_svg(link) if link else None,
        sms=page.gettext(selflink.MESSAGE) % {"link": link} if link else None,
        tests=plans.test_dates(order.last_exposure, order.test_mask),
        symptoms=common.symptom_names(page, order.disease),
        moves=outcomes.order_transfers(session, actor, order.id),
        done=page.request.query_params.get("done"),
        waiting=common.waiting(page),
        **_forms(page, order),
    )


def _forms(page: Page, order: QuarantineOrder) -> dict[str, Any]:
    """What the action forms offer: rooms with today's occupancy, transfer targets, and
    for a facility's staff the rooms of their own facilities."""
    session, actor = common.session_of(page), common.actor_of(page)
    can_write = actor.can("cases:write")
    active = order.status == "active"
    can_operate = active and staff.may_operate(session, actor, order)
    can_admit = active and staff.may_operate(session, actor, order, arriving=True)
    day = common.today(page)
    mine = staff.facilities_of(session, actor)
    boards_now = facilities.occupancy(session, actor, None, day) if can_admit and mine else []
    own_boards = [b for b in boards_now if b.id in mine]
    shown: dict[str, Any] = {
        "can_write": can_write,
        "can_operate": can_operate,
        "can_admit": can_admit,
        "own_boards": own_boards,
        "boards": [],
        "targets": [],
        "current_room": None,
    }
    if not (can_write and active):
        rooms = {room.id: (board, room) for board in own_boards for room in board.rooms}
        return shown | {"current_room": rooms.get(order.room_id or -1)}
    boards = facilities.occupancy(session, actor, None, day)
    rooms = {room.id: (board, room) for board in boards for room in board.rooms}
    targets = [
        j for j in outcomes.transfer_targets(session, actor) if j.id != order.jurisdiction_id
    ]
    return shown | {
        "boards": boards,
        "current_room": rooms.get(order.room_id or -1),
        "targets": targets,
    }


@router.get("/quarantine/orders/{order_id}")
def detail_page(order_id: int, page: PageContext) -> Response:
    return render_detail(page, order_id)


def done(order_id: int, what: str) -> Response:
    return RedirectResponse(f"/quarantine/orders/{order_id}?done={what}", status_code=303)


@router.post("/quarantine/orders/{order_id}/follow-up")
def add_follow_up(order_id: int, page: PageContext, form: PostedForm) -> Response:
    """A staff report; a refusal is said beside its field with everything typed kept."""
    entered = followupform.typed(form)
    session = common.session_of(page)
    try:
        body = followupform.report(entered, page.language)
        with session.begin_nested():
            followup.staff_report(
                session,
                common.actor_of(page),
                order_id,
                body,
                now=common.now(page),
                day=common.today(page),
                profiles=common.profiles_of(page),
                settings=common.settings_of(page),
            )
    except followupform.Refused as refused:
        return render_detail(
            page, order_id, status=422, field_errors=refused.errors, entered=entered
        )
    except Problem as problem:
        session.expire_all()
        message = problem_message(problem)
        return render_detail(page, order_id, status=problem.status, error=message, entered=entered)
    return done(order_id, "follow_up")


@router.post("/quarantine/orders/{order_id}/action")
def act(order_id: int, page: PageContext, request: Request, form: PostedForm) -> Response:
    version = common.form_int(form.get("version"))
    action = str(form.get("action") or "")
    if version is None:
        return render_detail(page, order_id, status=422, error=(NOT_SAVED, {"detail": "version"}))
    if action not in ACTIONS:
        return render_detail(page, order_id, status=422, error=(NOT_SAVED, {"detail": action}))
    session, actor = common.session_of(page), common.actor_of(page)
    try:
        with session.begin_nested():  # a refusal after a flush leaves nothing behind
            _, token = orders.issue_token(session, actor, order_id, version=version)
            return render_detail(page, order_id, link=f"{request.base_url}r/{token}")
    except Problem as problem:
        session.expire_all()
        return render_detail(page, order_id, status=problem.status, error=problem_message(problem))
    return done(order_id, action)
