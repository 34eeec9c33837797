"""API shapes for jurisdictions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from fireline.bounds import Int64


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name_en: str
    name_zh: str
    level: str
    parent_code: str | None
    depth: Int64
    population: Int64 | None
    lat: float | None
    lon: float | None
    timezone: str
