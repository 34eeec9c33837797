"""A case's exposures as rows: a venue of the register or an address, when, how, where.

Each row is added and removed on its own (the interview page does it without a
reload); a venue is looked up in the actor's scope, and one outside answers as a
missing one (OWASP API1:2023, broken object level authorisation).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Jurisdiction, Venue
from fireline.tracing import checks
from fireline.tracing.interviews import case_in_scope
from fireline.tracing.models import Exposure
from fireline.tracing.schemas import ExposureCreate

VENUES_OFFERED: Final = 20  # venue matches offered while typing


def _venue(session: Session, actor: Actor, venue_id: int | None) -> Venue | None:
    if venue_id is None:
        return None
    statement = actor.restrict(select(Venue).where(Venue.id == venue_id), Venue)
    found = session.scalars(statement).first()
    if found is None:
        raise checks.Refused("venue_id", "This venue is not in the register.")
    return found


def add_exposure(
    session: Session, context: Context, case_id: int, data: ExposureCreate
) -> Exposure:
    """Record one exposure row of the case; a start in the future is refused."""
    actor = context.actor
    actor.require("cases:write")
    case = case_in_scope(session, actor, case_id)
    venue = _venue(session, actor, data.venue_id)
    checks.instant_not_in_future("starts_at", data.starts_at, context.now())
    description = (data.description or "").strip() or (venue.name if venue else "")
    exposure = Exposure(
        case_id=case.id,
        jurisdiction_id=case.jurisdiction_id,
        kind=data.kind,
        venue_id=data.venue_id,
        description=description or (data.address or "").strip()[:300],
        address=data.address,
        starts_at=data.starts_at,
        ends_at=data.ends_at or data.starts_at,
        exposure_type=data.exposure_type,
        setting=data.setting,
    )
    session.add(exposure)
    session.flush()
    _audit(session, actor, "create", exposure)
    return exposure


def remove_exposure(session: Session, actor: Actor, case_id: int, exposure_id: int) -> None:
    """Delete one exposure row of the case (audited; a row of another case is missing)."""
    actor.require("cases:write")
    case = case_in_scope(session, actor, case_id)
    found: Exposure = actor.get(session, Exposure, exposure_id, f"exposure {exposure_id}")
    if found.case_id != case.id:
        raise checks.Refused("exposure", "This exposure is not one of this case's.", status=404)
    _audit(session, actor, "delete", found)
    session.delete(found)
    session.flush()


def _audit(session: Session, actor: Actor, action: str, exposure: Exposure) -> None:
    audit.record(
        session,
        actor,
        action,
        "exposure",
        [exposure.id],
        jurisdiction_id=exposure.jurisdiction_id,
        case=exposure.case_id,
    )


EXPOSURES = ListSpec(
    sorts={
        "starts": (Exposure.starts_at, Exposure.id),
        "ends": (Exposure.ends_at, Exposure.id),
        "kind": (Exposure.kind, Exposure.starts_at, Exposure.id),
    },
    default_sort="starts",
    filters={"kind": lambda v: Exposure.kind == v},
    search=lambda text: [Exposure.description.icontains(text, autoescape=True)],
)


def list_exposures(
    session: Session, actor: Actor, case_id: int, query: ListQuery
) -> tuple[list[Exposure], int]:
    """A page of the case's exposures and how many; unless the reader chose a sort, in
    the order they happened."""
    actor.require("cases:read")
    case = case_in_scope(session, actor, case_id)
    statement = actor.restrict(select(Exposure).where(Exposure.case_id == case.id), Exposure)
    if not query.sort:
        query = replace(query, sort="starts", descending=False)
    return search_filter_sort_paginate(session, statement, EXPOSURES, query)


def venue_names(session: Session, actor: Actor, ids: set[int]) -> dict[int, str]:
    """Names of the venues in scope among ``ids`` (those a page of exposures names)."""
    if not ids:
        return {}
    statement = actor.restrict(select(Venue.id, Venue.name).where(Venue.id.in_(ids)), Venue)
    return {i: name for i, name in session.execute(statement)}


def find_venues(session: Session, actor: Actor, text: str) -> list[Venue]:
    """Venues of the register in scope whose name or code holds ``text``, for the picker."""
    actor.require("cases:read")
    needle = text.strip()[:100]
    if not needle:
        return []
    statement = actor.restrict(
        select(Venue).where(
            Venue.name.icontains(needle, autoescape=True)
            | Venue.code.icontains(needle, autoescape=True)
        ),
        Venue,
    )
    return list(session.scalars(statement.order_by(Venue.name, Venue.id).limit(VENUES_OFFERED)))


def case_zone(session: Session, actor: Actor, case_id: int) -> ZoneInfo:
    """The time zone of the case's jurisdiction, in which the interview's times are said
    (docs/architecture.md, "Time")."""
    case = case_in_scope(session, actor, case_id)
    return ZoneInfo(session.get_one(Jurisdiction, case.jurisdiction_id).timezone)
