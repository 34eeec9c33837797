"""The demo's risk zones in the seed county: the compound of the latest case sealed, the
compound of a case ten days back controlled (with its negative round), and a
precaution area over the street around them, each with an outline near the county seat
so that the map has something to show."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from fireline.zones import service
from fireline.zones.levels import ZonesSettings, load_levels
from fireline.zones.schemas import RoundCreate, ZoneCreate
from fireline.zones.status import COUNTED


def compound(address: str) -> str:
    """``文三路88号3幢101室`` → ``文三路88号`` (the simulator's street-number-building-room)."""
    return address.split("号", 1)[0] + "号" if "号" in address else address


def _square(lat: float, lon: float, east: float, north: float, size: float) -> dict[str, Any]:
    x, y = lon + east, lat + north
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _case_address(session: Session, county: Jurisdiction, on_or_before: date) -> tuple[str, date]:
    """The address and report day of the county's latest case reported by ``on_or_before``."""
    found = session.execute(
        select(Person.address, Case.date_reporting)
        .join(Person, Person.id == Case.person_id)
        .where(
            system_actor().within(county).covers(Person.jurisdiction_id),
            Person.address.is_not(None),
            Case.classification.in_(COUNTED),
            Case.date_reporting <= on_or_before,
        )
        .order_by(Case.date_reporting.desc(), Case.id.desc())
        .limit(1)
    ).first()
    return (str(found[0]), found[1]) if found else ("湖滨路1号", on_or_before)


def add_zones(session: Session, county: Jurisdiction, today: date) -> None:
    actor, levels, settings = system_actor(), load_levels(), ZonesSettings()
    lat, lon = county.lat or 30.24, county.lon or 120.17
    latest, day = _case_address(session, county, today)
    older, older_day = _case_address(session, county, today - timedelta(days=10))
    drawn = [
        ("sealed", compound(latest), day, _square(lat, lon, 0.004, 0.002, 0.004)),
        ("controlled", compound(older), older_day, _square(lat, lon, -0.012, -0.006, 0.006)),
        (
            "precaution",
            latest.split("路", 1)[0] + "路" if "路" in latest else compound(latest),
            older_day,
            _square(lat, lon, -0.02, -0.015, 0.035),
        ),
    ]
    for level, address, on, outline in drawn:
        zone = service.create_zone(
            session,
            actor,
            ZoneCreate(
                name=address,
                jurisdiction_code=county.code,
                level=level,
                geometry=outline,
                addresses=[address],
                drawn_on=on,
            ),
            today=today,
            levels=levels,
            settings=settings,
        )
        if level == "controlled":
            round_day = min(on + timedelta(days=7), today)  # day 7 of the clean days
            service.add_round(
                session, actor, zone.id, RoundCreate(day=round_day, result="negative", tested=1840)
            )
