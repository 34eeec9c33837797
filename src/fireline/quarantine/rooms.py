"""Rooms: placing one order in a room with space over its dates, and sharing a facility's
free places among a batch of confirmed contacts.

Free places are counted over a period in one grouped statement for the whole facility:
a place is taken by every active order in the room whose dates meet the period, which
never over-fills a room (it may under-count a place that frees up mid-period; the
reviewer sees the choice and can move people later).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.errors import Conflict, NotFound, Problem
from fireline.quarantine import staff
from fireline.quarantine.models import FacilityRoom, QuarantineOrder

Q = QuarantineOrder


def place(session: Session, actor: Actor, order: QuarantineOrder, room_id: int | None) -> None:
    """Put the order in a room with space left over its dates (else 409, nothing stored);
    a facility user only in a room of a facility they work at (403)."""
    if room_id is None:
        return
    room = session.scalars(
        actor.restrict(
            select(FacilityRoom).where(FacilityRoom.id == room_id), FacilityRoom
        ).with_for_update()  # PostgreSQL: two placements in the same room wait for each other
    ).first()
    if room is None:
        raise NotFound(f"room {room_id}")
    staff.require_room_allowed(session, actor, room.facility_id)
    taken = (
        session.scalar(
            select(func.count())
            .select_from(Q)
            .where(
                Q.room_id == room.id,
                Q.status == "active",
                Q.start_date <= order.end_date,
                Q.end_date >= order.start_date,
                Q.id != (order.id or -1),
            )
        )
        or 0
    )
    if taken >= room.capacity:
        raise Conflict(f"room {room.code} is full ({taken} of {room.capacity} places taken)")
    order.room_id, order.facility_id, order.kind = room.id, room.facility_id, "facility"


@dataclass(frozen=True)
class FreeRoom:
    id: int
    code: str
    capacity: int
    free: int


def free_rooms(
    session: Session, actor: Actor, facility_id: int, start: date, end: date
) -> list[FreeRoom]:
    """The facility's rooms (in scope) by code, with the places free over start..end."""
    taken = (
        select(Q.room_id, func.count().label("n"))
        .where(Q.facility_id == facility_id, Q.status == "active")
        .where(Q.start_date <= end, Q.end_date >= start, Q.room_id.is_not(None))
        .group_by(Q.room_id)
        .subquery()
    )
    statement = (
        select(FacilityRoom, func.coalesce(taken.c.n, 0))
        .outerjoin(taken, taken.c.room_id == FacilityRoom.id)
        .where(FacilityRoom.facility_id == facility_id)
        .order_by(FacilityRoom.code, FacilityRoom.id)
    )
    rows = session.execute(actor.restrict(statement, FacilityRoom))
    return [
        FreeRoom(room.id, room.code, room.capacity, max(room.capacity - int(n), 0))
        for room, n in rows
    ]


def not_enough(free: Sequence[FreeRoom], wanted: int) -> Problem:
    places = sum(r.free for r in free)
    return Problem(
        409,
        f"only {places} free places for {wanted} people: nothing was changed",
        free_places=places,
        wanted=wanted,
    )


def allocate(free: Sequence[FreeRoom], order_ids: Sequence[int]) -> dict[int, int]:
    """Each order a room, filling rooms in code order (people of one batch, often one
    household or one venue, stay together); 409 when the places do not suffice."""
    slots = [room.id for room in free for _ in range(room.free)]
    if len(slots) < len(order_ids):
        raise not_enough(free, len(order_ids))
    return dict(zip(order_ids, slots, strict=False))


def check_choice(free: Sequence[FreeRoom], chosen: Mapping[int, int]) -> None:
    """A reviewer's room per order: every room of the facility, none over its free places."""
    known = {room.id: room for room in free}
    for room_id, n in Counter(chosen.values()).items():
        room = known.get(room_id)
        if room is None:
            raise Problem(422, f"room {room_id} is not a room of this facility")
        if n > room.free:
            raise Conflict(
                f"room {room.code} is full ({room.capacity - room.free} of "
                f"{room.capacity} places taken)"
            )
