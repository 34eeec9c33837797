"""The queue of proposed orders: list them, and confirm or cancel them in bulk.

Tracing proposes (tracing/proposals.py: status ``proposed``, with the dates, place and
test days of the profile's rule); nobody is under quarantine until a person here
confirms. Deciding is all or none and set-based: the chosen orders are read once, under
a row lock on PostgreSQL, with their versions. One missing or out of scope is 404, one
already decided or at another version is 409, a period that is over cannot be confirmed
(422), and in each case nothing is written. Otherwise one UPDATE writes the decision,
guarded again by (id, version) so that a concurrent decision cannot slip in between.

A confirmed order is issued at the confirmation: its ``created_at`` moves to that
instant. Whatever reads an order's issue time then treats it like an order issued
directly: the follow-up list counts "not reporting for 24 h" from it (duelist.py), and
the response task "quarantine contacts" is done at it (response/evidence.py). When the
contact was listed stays on the contact (``listed_at``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row, Select, case, func, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.db.sqlfn import write
from fireline.errors import Conflict, NotFound, Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.quarantine import plans, rooms
from fireline.quarantine.models import PROPOSED, QuarantineFacility, QuarantineOrder
from fireline.quarantine.schemas import ProposalDecisions, ProposalRead
from fireline.tracing.models import Contact

Q = QuarantineOrder


def _in_place(statement: Select[Any], actor: Actor, place: Jurisdiction | None) -> Select[Any]:
    return (actor.within(place) if place is not None else actor).restrict(statement, Q)


def waiting(session: Session, actor: Actor, place: Jurisdiction | None) -> int:
    """How many proposals wait under ``place`` (no personal data: the subnav's count)."""
    actor.require("records:read")
    statement = select(func.count()).select_from(Q).where(Q.status == PROPOSED)
    return int(session.scalar(_in_place(statement, actor, place)) or 0)


def _active_order(actor: Actor) -> Any:
    """The person's active quarantine in the actor's scope, if any: a second order would
    hold them twice, so the reviewer sees it and may cancel or extend instead."""
    other = aliased(Q)
    return (
        select(func.min(other.id))
        .where(
            other.person_id == Q.person_id,
            other.status == "active",
            other.purpose == "quarantine",
            actor.covers(other.jurisdiction_id),
        )
        .scalar_subquery()
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _read(row: Sequence[Any], now: datetime, today: date) -> ProposalRead:
    order, name, phone, case_id, active_id = row
    proposed_at = _aware(order.created_at)
    return ProposalRead(
        order_id=order.id,
        version=order.version,
        person_id=order.person_id,
        name=name,
        phone=phone,
        case_id=case_id,
        contact_id=order.contact_id,
        jurisdiction_id=order.jurisdiction_id,
        disease=order.disease,
        category=order.category,
        last_exposure=order.last_exposure,
        kind=order.kind,
        start_date=order.start_date,
        end_date=order.end_date,
        test_dates=plans.test_dates(order.last_exposure, order.test_mask),
        proposed_at=proposed_at,
        age_hours=max(int((now - proposed_at).total_seconds() // 3600), 0),
        ended=order.end_date < today,
        active_order_id=active_id,
    )


QUEUE = ListSpec(
    sorts={
        "waiting": (Q.created_at, Q.id),
        "end": (Q.end_date, Q.id),
        "last_exposure": (Q.last_exposure, Q.id),
        "name": (Person.name, Q.id),
    },
    default_sort="waiting",
    filters={
        "disease": lambda v: Q.disease == v,
        "category": lambda v: Q.category == v,
        "kind": lambda v: Q.kind == v,
    },
    search=lambda text: [Person.name.icontains(text, autoescape=True)],
)


def list_proposals(
    session: Session,
    actor: Actor,
    place: Jurisdiction | None,
    query: ListQuery,
    *,
    now: datetime,
    today: date,
) -> tuple[list[ProposalRead], int]:
    """A page of the queue, longest waiting first unless the reader chose a sort, and how
    many wait. Reads personal data: audited."""
    actor.require("persons:read")
    statement = (
        select(
            Q,
            Person.name,
            Person.phone,
            func.coalesce(Q.case_id, Contact.case_id),
            _active_order(actor),
        )
        .join(Person, Person.id == Q.person_id)
        .outerjoin(Contact, Contact.id == Q.contact_id)
        .where(Q.status == PROPOSED)
    )
    if not query.sort:
        query = replace(query, sort="waiting", descending=False)
    rows, total = search_filter_sort_paginate(
        session, _in_place(statement, actor, place), QUEUE, query, scalars=False
    )
    found = [_read(row, now, today) for row in rows]
    if found:
        audit.record(
            session,
            actor,
            "read",
            "quarantine_order",
            [p.order_id for p in found],
            jurisdiction_id=place.id if place else None,
            list="proposed",
        )
    return found, total


def _locked(session: Session, actor: Actor, ids: Sequence[int]) -> list[Row[Any]]:
    statement = select(
        Q.id, Q.version, Q.status, Q.start_date, Q.end_date, Q.jurisdiction_id
    ).where(Q.id.in_(ids))
    return list(session.execute(actor.restrict(statement, Q).with_for_update()))


def _check(found: list[Row[Any]], wanted: Mapping[int, int], confirm: bool, today: date) -> None:
    missing = sorted(set(wanted) - {r.id for r in found})
    if missing:
        raise NotFound(f"order {missing[0]}")
    for r in found:
        if r.status != PROPOSED:
            raise Conflict(f"order {r.id} is already {r.status}: nothing was changed")
        if r.version != wanted[r.id]:
            raise Conflict(
                f"order {r.id} is at version {r.version}, not {wanted[r.id]}: nothing was changed"
            )
    ended = sorted(r.id for r in found if r.end_date < today)
    if confirm and ended:
        raise Problem(
            422,
            f"the quarantine period of order {ended[0]} ended before {today.isoformat()}: "
            "cancel it instead; nothing was changed",
            ended=ended,
        )


def _open_facility(session: Session, actor: Actor, facility_id: int) -> QuarantineFacility:
    facility: QuarantineFacility = actor.get(
        session, QuarantineFacility, facility_id, f"facility {facility_id}"
    )
    if not facility.active:
        raise Problem(422, f"facility {facility.id} is closed")
    return facility


def _confirm_values(
    session: Session, actor: Actor, data: ProposalDecisions, found: list[Row[Any]], now: datetime
) -> dict[str, Any]:
    values: dict[str, Any] = {"status": "active", "created_at": now}
    if data.facility_id is not None:
        facility = _open_facility(session, actor, data.facility_id)
        free = rooms.free_rooms(
            session,
            actor,
            facility.id,
            min(r.start_date for r in found),
            max(r.end_date for r in found),
        )
        chosen = data.rooms or rooms.allocate(free, sorted(r.id for r in found))
        rooms.check_choice(free, chosen)
        # Everyone confirmed into a facility has a room: one UPDATE, the room by order id.
        room_of = case(chosen, value=Q.id)
        values.update(kind="facility", facility_id=facility.id, room_id=room_of)
    elif data.kind is not None:
        values["kind"] = data.kind
    return values


def plan_rooms(
    session: Session, actor: Actor, facility_id: int, order_ids: Sequence[int]
) -> tuple[list[rooms.FreeRoom], dict[int, int]]:
    """The facility's free rooms over the chosen proposals' dates and the rooms they would
    get, for the reviewer to see and change before confirming (409 when too few)."""
    actor.require("cases:write")
    _open_facility(session, actor, facility_id)
    dates = session.execute(
        actor.restrict(
            select(func.min(Q.start_date), func.max(Q.end_date)).where(Q.id.in_(order_ids)), Q
        )
    ).one()
    if dates[0] is None:
        raise NotFound(f"order {min(order_ids)}")
    free = rooms.free_rooms(session, actor, facility_id, dates[0], dates[1])
    return free, rooms.allocate(free, sorted(order_ids))


def _cancel_values(actor: Actor, data: ProposalDecisions, now: datetime) -> dict[str, Any]:
    return {
        "status": "cancelled",
        "closed_at": now,
        "closed_by": actor.user_id,
        "close_reason": (data.reason or "").strip(),
    }


def _write(
    session: Session, wanted: Mapping[int, int], values: dict[str, Any], now: datetime
) -> None:
    """One UPDATE for the whole batch, in a SAVEPOINT: fewer rows than asked is 409 and
    the SAVEPOINT takes back what was written."""
    statement = (
        update(Q)
        .where(tuple_(Q.id, Q.version).in_(list(wanted.items())), Q.status == PROPOSED)
        .values(**values, version=Q.version + 1, updated_at=now)
    )
    with session.begin_nested():
        if write(session, statement) != len(wanted):
            raise Conflict("someone else decided on some of these orders: nothing was changed")
    for obj in list(session.identity_map.values()):  # loaded copies are stale now
        if isinstance(obj, Q) and obj.id in wanted:
            session.expire(obj)


def decide(
    session: Session, actor: Actor, data: ProposalDecisions, *, now: datetime, today: date
) -> list[int]:
    """Confirm or cancel every chosen proposal, or none; returns the order ids decided."""
    actor.require("cases:write")
    wanted = {o.id: o.version for o in data.orders}
    found = _locked(session, actor, sorted(wanted))
    confirm = data.decision == "confirm"
    _check(found, wanted, confirm, today)
    if confirm:
        values = _confirm_values(session, actor, data, found, now)
    else:
        values = _cancel_values(actor, data, now)
    _write(session, wanted, values, now)
    places: dict[int, list[int]] = defaultdict(list)
    for r in found:
        places[r.jurisdiction_id].append(r.id)
    for place_id, ids in sorted(places.items()):
        audit.record(
            session,
            actor,
            data.decision,
            "quarantine_order",
            sorted(ids),
            jurisdiction_id=place_id,
            kind=data.kind,
            facility=data.facility_id,
        )
    return sorted(wanted)
