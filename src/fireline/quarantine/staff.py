"""Facility staff: which facilities a facility user works at, and who may operate an order.

The county's case workers ("cases:write") operate every order in their scope. A facility
user ("facility:operate", auth/roles.py) operates only the orders held at a facility they
work at; the facility orders of their scope not yet placed in any facility are arrivals
they may admit (nothing else), and only into their own facilities' rooms. The
jurisdiction scope (``Actor``) still applies first: a facility never reaches outside its
user's subtree. ``fireline quarantine staff`` ties a user to a facility.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.models import User
from fireline.auth.scope import Actor
from fireline.errors import Forbidden, NotFound, Problem
from fireline.quarantine.models import FacilityStaff, QuarantineFacility, QuarantineOrder

OPERATE = "facility:operate"


def assign(session: Session, actor: Actor, *, user_id: int, facility_id: int) -> FacilityStaff:
    """Tie a facility user to a facility (both in the administrator's scope); idempotent."""
    actor.require("users:manage")
    user: User = actor.get(session, User, user_id, f"user {user_id}")
    facility: QuarantineFacility = actor.get(
        session, QuarantineFacility, facility_id, f"facility {facility_id}"
    )
    if user.role != "facility":
        raise Problem(422, f"user {user.id} has the {user.role} role, not facility")
    found = session.get(FacilityStaff, (user.id, facility.id))
    if found is None:
        found = FacilityStaff(
            user_id=user.id, facility_id=facility.id, jurisdiction_id=facility.jurisdiction_id
        )
        session.add(found)
        session.flush()
        audit.record(
            session,
            actor,
            "assign",
            "facility_staff",
            [facility.id],
            jurisdiction_id=facility.jurisdiction_id,
            user=user.id,
        )
    return found


def user_named(session: Session, actor: Actor, username: str) -> int:
    """The id of a user in the actor's scope by username (404 otherwise)."""
    actor.require("users:manage")
    found = session.scalar(
        select(User.id).where(User.username == username, actor.covers(User.jurisdiction_id))
    )
    if found is None:
        raise NotFound(f"user {username}")
    return int(found)


def facilities_of(session: Session, actor: Actor) -> list[int]:
    """The facilities (in scope) the acting facility user works at; none for other roles."""
    if actor.user_id is None or not actor.can(OPERATE):
        return []
    statement = select(FacilityStaff.facility_id).where(FacilityStaff.user_id == actor.user_id)
    return sorted(session.scalars(actor.restrict(statement, FacilityStaff)))


def may_operate(
    session: Session, actor: Actor, order: QuarantineOrder, *, arriving: bool = False
) -> bool:
    """Whether the actor may follow up and release this order (read in scope already),
    or with ``arriving`` admit it to a room: a facility order placed nowhere yet is an
    arrival any facility of the scope may admit, but nobody's guest to release."""
    if actor.can("cases:write"):
        return True
    mine = facilities_of(session, actor)
    if not mine:
        return False
    if order.facility_id is None:
        return arriving and order.kind == "facility"
    return order.facility_id in mine


def require_operator(
    session: Session, actor: Actor, order: QuarantineOrder, *, arriving: bool = False
) -> None:
    if not may_operate(session, actor, order, arriving=arriving):
        raise Forbidden(f"the {actor.role} role does not allow operating order {order.id}")


def require_room_allowed(session: Session, actor: Actor, facility_id: int) -> None:
    """A facility user places people only in their own facilities' rooms."""
    if not actor.can("cases:write") and facility_id not in facilities_of(session, actor):
        raise Forbidden(f"facility {facility_id} is not one you work at")
