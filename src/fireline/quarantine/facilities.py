"""Quarantine facilities and rooms: creation, occupancy, arrivals and departures today.

Occupancy is counted from the active orders placed in each room on the day, in one
grouped statement per question (never room by room).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, and_, case, func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import Conflict
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import FacilityRoom, QuarantineFacility, QuarantineOrder
from fireline.quarantine.schemas import FacilityCreate, FacilityRead, RoomRead

Q = QuarantineOrder


def create_facility(session: Session, actor: Actor, data: FacilityCreate) -> QuarantineFacility:
    actor.require("cases:write")
    place = actor.jurisdiction(session, data.jurisdiction_code)
    codes = [r.code for r in data.rooms]
    if len(codes) != len(set(codes)):
        raise Conflict("two rooms have the same code")
    facility = QuarantineFacility(name=data.name, address=data.address, jurisdiction_id=place.id)
    session.add(facility)
    session.flush()
    session.add_all(
        FacilityRoom(
            facility_id=facility.id, code=r.code, capacity=r.capacity, jurisdiction_id=place.id
        )
        for r in data.rooms
    )
    session.flush()
    audit.record(
        session, actor, "create", "quarantine_facility", [facility.id], jurisdiction_id=place.id
    )
    return facility


def _in(day: date) -> Any:
    return and_(Q.status == "active", Q.start_date <= day, Q.end_date >= day)


def _facilities(actor: Actor, place: Jurisdiction | None) -> Select[Any]:
    narrowed = actor.within(place) if place is not None else actor
    return narrowed.restrict(select(QuarantineFacility), QuarantineFacility).where(
        QuarantineFacility.active.is_(True)
    )


def _room_counts(session: Session, ids: list[int], day: date) -> dict[int, int]:
    rows = session.execute(
        select(Q.room_id, func.count())
        .where(Q.facility_id.in_(ids), _in(day), Q.room_id.is_not(None))
        .group_by(Q.room_id)
    )
    return {room: int(n) for room, n in rows}


def _moves(session: Session, ids: list[int], day: date) -> dict[int, tuple[int, int]]:
    """(arrivals, departures) on ``day`` per facility."""
    arriving = func.sum(case((Q.start_date == day, 1), else_=0), type_=Integer)
    leaving = func.sum(case((Q.end_date == day, 1), else_=0), type_=Integer)
    rows = session.execute(
        select(Q.facility_id, arriving, leaving)
        .where(Q.facility_id.in_(ids), Q.status == "active")
        .group_by(Q.facility_id)
    )
    return {f: (int(a or 0), int(d or 0)) for f, a, d in rows}


FACILITIES = ListSpec(
    sorts={"name": (QuarantineFacility.name, QuarantineFacility.id)},
    default_sort="name",
    search=lambda text: [
        QuarantineFacility.name.icontains(text, autoescape=True),
        QuarantineFacility.address.icontains(text, autoescape=True),
    ],
)


def list_facilities(
    session: Session, actor: Actor, place: Jurisdiction | None, day: date, query: ListQuery
) -> tuple[list[FacilityRead], int]:
    """A page of the open facilities under ``place`` (else the whole scope), by name
    unless the reader chose otherwise, with their rooms, occupancy and moves on ``day``."""
    actor.require("records:read")
    if not query.sort:
        query = replace(query, sort="name", descending=False)
    found, total = search_filter_sort_paginate(
        session, _facilities(actor, place), FACILITIES, query
    )
    return _boards(session, found, day), total


def occupancy(
    session: Session,
    actor: Actor,
    place: Jurisdiction | None,
    day: date,
    facility_id: int | None = None,
) -> list[FacilityRead]:
    """Every open facility in scope (or the one ``facility_id``), by name, with its rooms,
    capacity, occupancy and today's moves: the rooms an order may be placed in."""
    actor.require("records:read")
    statement = _facilities(actor, place)
    if facility_id is not None:
        statement = statement.where(QuarantineFacility.id == facility_id)
    ordered = statement.order_by(QuarantineFacility.name, QuarantineFacility.id)
    return _boards(session, list(session.scalars(ordered)), day)


def _boards(
    session: Session, facilities: list[QuarantineFacility], day: date
) -> list[FacilityRead]:
    ids = [f.id for f in facilities]
    if not ids:
        return []
    rooms = session.scalars(
        select(FacilityRoom).where(FacilityRoom.facility_id.in_(ids)).order_by(FacilityRoom.code)
    ).all()
    taken, moves = _room_counts(session, ids, day), _moves(session, ids, day)
    out: list[FacilityRead] = []
    for facility in facilities:
        mine = [
            RoomRead(id=r.id, code=r.code, capacity=r.capacity, occupied=taken.get(r.id, 0))
            for r in rooms
            if r.facility_id == facility.id
        ]
        arrivals, departures = moves.get(facility.id, (0, 0))
        out.append(
            FacilityRead(
                id=facility.id,
                name=facility.name,
                address=facility.address,
                jurisdiction_id=facility.jurisdiction_id,
                capacity=sum(r.capacity for r in mine),
                occupied=sum(r.occupied for r in mine),
                arrivals_today=arrivals,
                departures_today=departures,
                rooms=mine,
                version=facility.version,
            )
        )
    return out
