"""API shapes for persons."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    sex: str | None
    birth_date: date | None
    phone: str | None
    address: str | None
    national_id: str | None
    jurisdiction_id: int
    version: int
