"""Zones, residents and their cases for zone tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from fireline.zones import service
from fireline.zones.levels import ZonesSettings, load_levels
from fireline.zones.models import Zone
from fireline.zones.schemas import ZoneCreate

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
DAY = T0.date()
COMPOUND = "文三路88号"


def square(lon: float = 120.0, lat: float = 30.0, size: float = 0.01) -> dict[str, Any]:
    """A closed square (counter-clockwise) with its south-west corner at (lon, lat)."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def resident(
    session: Session,
    place: Jurisdiction,
    address: str,
    *,
    name: str = "Zone Resident",
    case_on: date | None = None,
    classification: str = "confirmed",
) -> Person:
    person = Person(name=name, address=address, jurisdiction_id=place.id)
    session.add(person)
    session.flush()
    if case_on is not None:
        session.add(
            Case(
                person_id=person.id,
                jurisdiction_id=place.id,
                disease="covid19",
                classification=classification,
                date_reporting=case_on,
            )
        )
        session.flush()
    return person


def draw(
    session: Session,
    place: Jurisdiction,
    *,
    level: str = "sealed",
    drawn: date = DAY,
    addresses: list[str] | None = None,
    outline: dict[str, Any] | None = None,
    name: str = "Compound",
) -> Zone:
    return service.create_zone(
        session,
        system_actor(),
        ZoneCreate(
            name=name,
            jurisdiction_code=place.code,
            level=level,
            geometry=outline,
            addresses=[COMPOUND] if addresses is None else addresses,
            drawn_on=drawn,
        ),
        today=drawn,
        levels=load_levels(),
        settings=ZonesSettings(),
    )


def days(n: int) -> timedelta:
    return timedelta(days=n)


def scoped_zone(session: Session, place: Jurisdiction, marker: str) -> dict[str, int]:
    """A zone named ``marker`` with a resident of that name, for the every-endpoint scope test."""
    resident(session, place, COMPOUND + "1幢101室", name=marker)
    return {"zone_id": draw(session, place, name=marker).id}
