"""What the staff of a facility do with an order held there: admit it to a room, move it
to another room. Case workers may do the same for any order in their scope
(staff.py says who operates what); each step is audited."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import Problem
from fireline.quarantine import rooms, staff
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.orders import check_active, check_version, get_order


def assign_room(
    session: Session, actor: Actor, order_id: int, *, version: int, room_id: int, today: date
) -> QuarantineOrder:
    """Admit an arrival to a room, or move a guest to another room with space over the
    order's remaining dates (409 when full, 403 outside the user's facilities)."""
    order = get_order(session, actor, order_id)
    staff.require_operator(session, actor, order, arriving=True)
    check_version(order, version)
    check_active(order)
    if order.room_id == room_id:
        raise Problem(422, "the order is already in that room")
    action = "admit" if order.room_id is None else "move_room"
    rooms.place(session, actor, order, room_id)
    session.flush()
    audit.record(
        session,
        actor,
        action,
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        room=room_id,
        on=today.isoformat(),
    )
    return order
