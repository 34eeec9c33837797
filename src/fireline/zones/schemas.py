"""API shapes of zones, their screening rounds and their computed status."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fireline.bounds import INT64_MAX, Count, Day, Id, Int64, Whole

Address = str


class ZoneCreate(BaseModel):
    """A zone on a jurisdiction: a GeoJSON outline and/or addresses (compounds).

    An address entry matches every resident address that starts with it, so
    ``文三路88号`` takes in every building and room of that compound.
    """

    name: str = Field(min_length=1, max_length=200)
    jurisdiction_code: str
    level: str
    geometry: dict[str, Any] | None = None
    addresses: list[Address] = Field(default_factory=list, max_length=5000)
    drawn_on: Day | None = None


class ZoneUpdate(BaseModel):
    """Change the name, outline or addresses, or raise the level (a step down has its
    own action, with checks)."""

    version: Count
    name: str | None = Field(default=None, min_length=1, max_length=200)
    level: str | None = None
    geometry: dict[str, Any] | None = None
    addresses: list[Address] | None = Field(default=None, max_length=5000)


class VersionBody(BaseModel):
    version: Count


class RoundCreate(BaseModel):
    day: Day
    result: Literal["negative", "positive"]
    tested: Whole | None = Field(default=None, ge=0, le=INT64_MAX)


class RoundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    zone_id: Id
    day: date
    result: str
    tested: Int64 | None


class Missing(BaseModel):
    """One thing that keeps the zone at its level: ``code`` for programs, ``message`` for
    people (English; the page words it in the reader's language)."""

    code: Literal["clean_days", "screening_round", "higher_zones", "no_residents_known"]
    message: str
    until: date | None = None
    count: Int64 | None = None


class ZoneStatus(BaseModel):
    last_case: date | None
    clean_since: date
    earliest: date | None
    next_level: str | None  # None: the next step lifts the zone
    ready: bool
    missing: list[Missing]


class ZoneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    name: str
    jurisdiction_id: Id
    level: str
    status: str
    geometry: dict[str, Any] | None
    addresses: list[str] | None
    drawn_on: date
    level_since: date
    lifted_on: date | None
    version: Count


class ZoneDetail(ZoneRead):
    computed: ZoneStatus | None
    rounds: list[RoundRead]
    residents: Int64


class Residents(BaseModel):
    zone_id: Id
    count: Int64
    person_ids: list[Int64]
    limit: Int64
    offset: Int64
