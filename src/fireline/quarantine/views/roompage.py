"""Admit to a room or move to another (``POST /quarantine/orders/{id}/room``): the facility
staff's form on the order page. A full room, a room of another facility or a stale
version shows the order again saying so."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.errors import Problem
from fireline.quarantine import operate
from fireline.quarantine.views import common
from fireline.quarantine.views.detail import done, render_detail
from fireline.quarantine.views.orderforms import NO_ROOM, problem_message
from fireline.web.deps import PageContext, PostedForm

router = APIRouter()


@router.post("/quarantine/orders/{order_id}/room")
def assign(order_id: int, page: PageContext, form: PostedForm) -> Response:
    version, room = common.form_int(form.get("version")), common.form_int(form.get("room_id"))
    if room is None or version is None:
        return render_detail(page, order_id, status=422, error=(NO_ROOM, {}))
    session = common.session_of(page)
    try:
        with session.begin_nested():
            operate.assign_room(
                session,
                common.actor_of(page),
                order_id,
                version=version,
                room_id=room,
                today=common.today(page),
            )
    except Problem as problem:
        session.expire_all()
        return render_detail(page, order_id, status=problem.status, error=problem_message(problem))
    return done(order_id, "room")
