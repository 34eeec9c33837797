"""JSON routes of risk zones: list, draw, read, change, rounds, step down, lift, residents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from fireline.auth.deps import ApiActor
from fireline.auth.scope import Actor
from fireline.bounds import Count, Id
from fireline.db.deps import DbSession
from fireline.pagination import Page, make_page
from fireline.places.service import local_day
from fireline.web.deps import ApiContext, ApiListQuery, AppNow
from fireline.zones import service
from fireline.zones.levels import Levels, ZonesSettings, load_levels
from fireline.zones.models import Zone
from fireline.zones.schemas import (
    Residents,
    RoundCreate,
    RoundRead,
    VersionBody,
    ZoneCreate,
    ZoneDetail,
    ZoneRead,
    ZoneUpdate,
)
from fireline.zones.status import resident_count, status

router = APIRouter(prefix="/zones", tags=["zones"])


def zone_settings(request: Request) -> ZonesSettings:
    """Read once per app; tests may set ``app.state.zone_settings``."""
    state = request.app.state
    if getattr(state, "zone_settings", None) is None:
        state.zone_settings = ZonesSettings()
    found: ZonesSettings = state.zone_settings
    return found


def zone_levels(request: Request) -> Levels:
    return load_levels(zone_settings(request))


Settings = Annotated[ZonesSettings, Depends(zone_settings)]
LevelsDep = Annotated[Levels, Depends(zone_levels)]


def local_today(session: DbSession, now: datetime, jurisdiction_id: Id) -> date:
    return local_day(session, now, jurisdiction_id) if jurisdiction_id else now.date()


def detail(session: DbSession, zone: Zone, levels: Levels, today: date) -> ZoneDetail:
    return ZoneDetail(
        **ZoneRead.model_validate(zone).model_dump(),
        computed=status(session, zone, levels, today),
        rounds=[RoundRead.model_validate(r) for r in service.rounds(session, zone)],
        residents=resident_count(session, zone),
    )


@router.get("", response_model=Page[ZoneDetail])
def list_zones(
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    levels: LevelsDep,
    jurisdiction: str | None = None,
    active: bool = False,
    status: Literal["active", "lifted"] | None = None,
    level: str | None = None,
) -> Page[ZoneDetail]:
    """Zones in scope (or under ``jurisdiction``) with their computed last case, earliest
    step-down or lift date and what is missing; active first, newest first. Sort by
    ``drawn`` (default), ``level_since`` or ``name``; ``q`` searches the names."""
    asked = context.within_code(session, jurisdiction)
    zones, total = service.zone_list(session, asked, query)
    now = context.now()
    return make_page(
        [detail(session, z, levels, local_today(session, now, z.jurisdiction_id)) for z in zones],
        total,
        query,
    )


@router.post("", response_model=ZoneDetail, status_code=201)
def create_zone(
    body: ZoneCreate,
    actor: ApiActor,
    session: DbSession,
    now: AppNow,
    levels: LevelsDep,
    settings: Settings,
) -> ZoneDetail:
    """Draw a zone: a GeoJSON Polygon/MultiPolygon that closes and touches the
    jurisdiction, and/or addresses; a bad outline is 422 and nothing is stored."""
    place = actor.jurisdiction(session, body.jurisdiction_code)
    today = local_today(session, now, place.id)
    zone = service.create_zone(session, actor, body, today=today, levels=levels, settings=settings)
    return detail(session, zone, levels, today)


@router.get("/{zone_id:int}", response_model=ZoneDetail)
def read_zone(
    zone_id: Id, actor: ApiActor, session: DbSession, now: AppNow, levels: LevelsDep
) -> ZoneDetail:
    zone = service.get_zone(session, actor, zone_id)
    return detail(session, zone, levels, local_today(session, now, zone.jurisdiction_id))


def _today_of(session: DbSession, actor: Actor, zone_id: Id, now: datetime) -> date:
    zone = service.get_zone(session, actor, zone_id)
    return local_today(session, now, zone.jurisdiction_id)


@router.patch("/{zone_id:int}", response_model=ZoneDetail)
def change_zone(
    zone_id: Id,
    body: ZoneUpdate,
    actor: ApiActor,
    session: DbSession,
    now: AppNow,
    levels: LevelsDep,
    settings: Settings,
) -> ZoneDetail:
    """Name, outline, addresses, or a higher level (``version`` guards against lost edits)."""
    today = _today_of(session, actor, zone_id, now)
    zone = service.update_zone(
        session, actor, zone_id, body, today=today, levels=levels, settings=settings
    )
    return detail(session, zone, levels, today)


@router.post("/{zone_id:int}/rounds", response_model=RoundRead, status_code=201)
def add_round(zone_id: Id, body: RoundCreate, actor: ApiActor, session: DbSession) -> RoundRead:
    return RoundRead.model_validate(service.add_round(session, actor, zone_id, body))


@router.post("/{zone_id:int}/step-down", response_model=ZoneDetail)
def step_down(
    zone_id: Id,
    body: VersionBody,
    actor: ApiActor,
    session: DbSession,
    now: AppNow,
    levels: LevelsDep,
) -> ZoneDetail:
    """To the next lower level; 409 with what is missing when the rule is not met."""
    today = _today_of(session, actor, zone_id, now)
    zone = service.step_down(
        session, actor, zone_id, version=body.version, today=today, levels=levels
    )
    return detail(session, zone, levels, today)


@router.post("/{zone_id:int}/lift", response_model=ZoneDetail)
def lift(
    zone_id: Id,
    body: VersionBody,
    actor: ApiActor,
    session: DbSession,
    now: AppNow,
    levels: LevelsDep,
) -> ZoneDetail:
    """End a zone at the lowest level; 409 with what is missing when its rule is not met."""
    today = _today_of(session, actor, zone_id, now)
    zone = service.lift(session, actor, zone_id, version=body.version, today=today, levels=levels)
    return detail(session, zone, levels, today)


@router.get("/{zone_id:int}/residents", response_model=Residents)
def read_residents(
    zone_id: Id,
    actor: ApiActor,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
    offset: Annotated[Count, Query(ge=0)] = 0,
) -> Residents:
    """Person ids of the zone's residents, to target a screening campaign."""
    ids, total = service.zone_residents(session, actor, zone_id, limit=limit, offset=offset)
    return Residents(zone_id=zone_id, count=total, person_ids=ids, limit=limit, offset=offset)
