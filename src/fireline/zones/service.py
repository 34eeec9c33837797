"""Use cases of risk zones: draw, read, list, change, record a screening round, step down
and lift (with the level's checks), and list the residents for a screening campaign.

Every read and write goes through the acting user's scope (``Actor``); ``today`` comes
from the injectable clock, in the zone's jurisdiction's time zone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Any, Final

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery, ListSpec, every_row, search_filter_sort_paginate
from fireline.places.models import Jurisdiction
from fireline.zones import geometry, status
from fireline.zones.levels import Levels, ZonesSettings
from fireline.zones.models import Zone, ZoneChange, ZoneRound
from fireline.zones.schemas import RoundCreate, ZoneCreate, ZoneStatus, ZoneUpdate

MIN_ADDRESS = 3  # shorter entries ("路") would match half a county
YES: Final = ("true", "1", "yes", "on")
# Active zones before lifted ones when the list runs newest first (the default).
ACTIVE_FIRST: Final = case((Zone.status == "active", 1), else_=0)

ZONE_LIST: Final = ListSpec(
    sorts={
        "drawn": (ACTIVE_FIRST, Zone.drawn_on, Zone.id),
        "level_since": (ACTIVE_FIRST, Zone.level_since, Zone.id),
        "name": (Zone.name, Zone.id),
    },
    default_sort="drawn",
    filters={
        "active": lambda v: Zone.status == "active" if v.lower() in YES else None,
        "status": lambda v: Zone.status == v if v in ("active", "lifted") else None,
        "level": lambda v: Zone.level == v,
    },
    search=lambda text: [Zone.name.contains(text, autoescape=True)],
)


def normalise_addresses(entries: list[str]) -> list[str]:
    """NFKC (full-width digits become ASCII), no blanks, no repeats, order kept."""
    seen: dict[str, None] = {}
    for entry in entries:
        text = "".join(unicodedata.normalize("NFKC", entry).split())
        if not text:
            continue
        if len(text) < MIN_ADDRESS or len(text) > 500:
            raise Problem(422, f"address {entry!r} must be {MIN_ADDRESS} to 500 characters")
        seen.setdefault(text, None)
    return list(seen)


def _outline(
    raw: dict[str, Any] | None, place: Jurisdiction, settings: ZonesSettings
) -> dict[str, Any] | None:
    """The checked outline (RFC 7946 winding), or 422 if it is broken or elsewhere."""
    if raw is None:
        return None
    polygons = geometry.parse(raw)
    seat = (place.lat, place.lon) if place.lat is not None and place.lon is not None else None
    half = settings.box_km(place.level)
    if geometry.touches(polygons, place.geometry, seat, half) is False:
        rule = "its outline" if place.geometry else f"{half:g} km of its seat"
        raise geometry.GeometryError(
            f"the outline lies outside {place.name_en} ({place.code}): "
            f"none of its points is within {rule}"
        )
    return geometry.to_geojson(polygons)


def _level(levels: Levels, code: str) -> str:
    try:
        return levels.get(code).code
    except LookupError as exc:
        raise Problem(422, str(exc)) from None


def create_zone(
    session: Session,
    actor: Actor,
    data: ZoneCreate,
    *,
    today: date,
    levels: Levels,
    settings: ZonesSettings,
) -> Zone:
    actor.require("cases:write")
    place = actor.jurisdiction(session, data.jurisdiction_code)
    level = _level(levels, data.level)
    outline = _outline(data.geometry, place, settings)
    addresses = normalise_addresses(data.addresses)
    if outline is None and not addresses:
        raise Problem(422, "give an outline (GeoJSON Polygon or MultiPolygon) or addresses")
    drawn = data.drawn_on or today
    zone = Zone(
        name=data.name.strip(),
        level=level,
        geometry=outline,
        addresses=addresses or None,
        jurisdiction_id=place.id,
        drawn_on=drawn,
        level_since=drawn,
    )
    session.add(zone)
    session.flush()
    _change(session, actor, zone, None, level)
    audit.record(session, actor, "create", "zone", [zone.id], jurisdiction_id=place.id, level=level)
    return zone


def _change(
    session: Session, actor: Actor, zone: Zone, before: str | None, after: str | None
) -> None:
    session.add(
        ZoneChange(
            zone_id=zone.id,
            jurisdiction_id=zone.jurisdiction_id,
            from_level=before,
            to_level=after,
            user_id=actor.user_id,
        )
    )


def get_zone(session: Session, actor: Actor, zone_id: int) -> Zone:
    actor.require("records:read")
    found: Zone = actor.get(session, Zone, zone_id, f"zone {zone_id}")
    return found


def zone_list(session: Session, context: Context, query: ListQuery) -> tuple[list[Zone], int]:
    """One page of the zones in the context's scope, active first and newest first by
    default; the zone page and the API list them here (zones name no person)."""
    context.actor.require("records:read")
    statement = context.actor.restrict(select(Zone), Zone)
    found, total = search_filter_sort_paginate(session, statement, ZONE_LIST, query)
    return list(found), total


def every_zone(session: Session, actor: Actor, query: ListQuery) -> Iterator[Zone]:
    """Every zone :func:`zone_list` would list, in its order (a command's table)."""
    actor.require("records:read")
    for (zone,) in every_row(session, actor.restrict(select(Zone), Zone), ZONE_LIST, query):
        yield zone


def list_zones(
    session: Session,
    actor: Actor,
    place: Jurisdiction | None = None,
    *,
    active_only: bool = False,
) -> list[Zone]:
    """Every zone in scope (under ``place`` if given), active first, newest first."""
    narrowed = actor.within(place) if place is not None else actor
    query = ListQuery(filters={"active": "true"} if active_only else {})
    return list(every_zone(session, narrowed, query))


def place_of(session: Session, zone: Zone) -> Jurisdiction:
    """The jurisdiction a zone (read in scope) lies in."""
    return session.get_one(Jurisdiction, zone.jurisdiction_id)


def _writable(session: Session, actor: Actor, zone_id: int, version: int) -> Zone:
    actor.require("cases:write")
    zone = get_zone(session, actor, zone_id)
    if zone.version != version:
        raise Conflict(f"zone {zone.id} is at version {zone.version}, not {version}")
    if zone.status != "active":
        raise Conflict(f"zone {zone.id} is lifted")
    return zone


def update_zone(
    session: Session,
    actor: Actor,
    zone_id: int,
    data: ZoneUpdate,
    *,
    today: date,
    levels: Levels,
    settings: ZonesSettings,
) -> Zone:
    """Rename, redraw, change the addresses, or raise the level (restarting its count)."""
    zone = _writable(session, actor, zone_id, data.version)
    place = session.get_one(Jurisdiction, zone.jurisdiction_id)
    if data.geometry is not None:
        zone.geometry = _outline(data.geometry, place, settings)
    if data.addresses is not None:
        zone.addresses = normalise_addresses(data.addresses) or None
    if zone.geometry is None and not zone.addresses:
        raise Problem(422, "a zone needs an outline or addresses")
    if data.name is not None:
        zone.name = data.name.strip()
    if data.level is not None and data.level != zone.level:
        level = _level(levels, data.level)
        if levels.rank(level) > levels.rank(zone.level):
            raise Problem(422, "lower a level with the step-down action, which checks its rule")
        _change(session, actor, zone, zone.level, level)
        zone.level, zone.level_since = level, today
    session.flush()
    audit.record(session, actor, "update", "zone", [zone.id], jurisdiction_id=place.id)
    return zone


def add_round(session: Session, actor: Actor, zone_id: int, data: RoundCreate) -> ZoneRound:
    """A screening round over the zone's residents and its overall result."""
    actor.require("cases:write")
    zone = get_zone(session, actor, zone_id)
    entry = ZoneRound(
        zone_id=zone.id,
        jurisdiction_id=zone.jurisdiction_id,
        day=data.day,
        result=data.result,
        tested=data.tested,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "zone_round",
        [entry.id],
        jurisdiction_id=zone.jurisdiction_id,
        zone=zone.id,
    )
    return entry


def rounds(session: Session, zone: Zone) -> list[ZoneRound]:
    statement = select(ZoneRound).where(ZoneRound.zone_id == zone.id)
    return list(session.scalars(statement.order_by(ZoneRound.day.desc(), ZoneRound.id.desc())))


def _ready(session: Session, zone: Zone, levels: Levels, today: date) -> ZoneStatus:
    found = status.status(session, zone, levels, today)
    assert found is not None  # _writable let only active zones through
    if not found.ready:
        missing = "; ".join(m.message for m in found.missing if m.code != "no_residents_known")
        raise Conflict(f"zone {zone.id} may not change level yet: {missing}")
    return found


def step_down(
    session: Session, actor: Actor, zone_id: int, *, version: int, today: date, levels: Levels
) -> Zone:
    """Move to the next lower level once the current level's rule is met."""
    zone = _writable(session, actor, zone_id, version)
    found = _ready(session, zone, levels, today)
    if found.next_level is None:
        raise Conflict(f"{zone.level} is the lowest level: lift the zone instead")
    _change(session, actor, zone, zone.level, found.next_level)
    zone.level, zone.level_since = found.next_level, today
    session.flush()
    audit.record(
        session,
        actor,
        "step_down",
        "zone",
        [zone.id],
        jurisdiction_id=zone.jurisdiction_id,
        level=zone.level,
    )
    return zone


def lift(
    session: Session, actor: Actor, zone_id: int, *, version: int, today: date, levels: Levels
) -> Zone:
    """End the zone: only from the lowest level, once its rule is met."""
    zone = _writable(session, actor, zone_id, version)
    below = levels.below(zone.level)
    if below is not None:
        raise Conflict(f"step the zone down to {below} first")
    _ready(session, zone, levels, today)
    _change(session, actor, zone, zone.level, None)
    zone.status, zone.lifted_on = "lifted", today
    session.flush()
    audit.record(session, actor, "lift", "zone", [zone.id], jurisdiction_id=zone.jurisdiction_id)
    return zone


def zone_residents(
    session: Session, actor: Actor, zone_id: int, *, limit: int, offset: int
) -> tuple[list[int], int]:
    """Person ids of the zone's residents, for a screening campaign (the read is audited)."""
    actor.require("persons:read")
    zone = get_zone(session, actor, zone_id)
    ids, total = status.residents(session, zone, limit=limit, offset=offset)
    audit.record(
        session,
        actor,
        "read",
        "zone_residents",
        [zone.id],
        jurisdiction_id=zone.jurisdiction_id,
        count=len(ids),
    )
    return ids, total
