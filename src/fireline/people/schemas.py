"""API shapes for persons."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fireline.bounds import Count, Id, Int64


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    name: str
    sex: str | None
    birth_date: date | None
    phone: str | None
    address: str | None
    national_id: str | None
    jurisdiction_id: Id
    version: Count
    merged_into_id: Id | None = None


class PersonMatchRead(BaseModel):
    """A proposal that ``duplicate`` is the same person as ``person`` (the one to keep)."""

    id: Id
    status: str
    score: float
    reasons: list[str]
    person: PersonRead
    duplicate: PersonRead
    decided_by: Int64 | None
    decided_at: datetime | None
    created_at: datetime


MergedField = Literal["name", "national_id", "sex", "birth_date", "phone", "address"]


class MatchDecision(BaseModel):
    """Accept a match; ``keep_id`` chooses which of the two records survives, ``values``
    whose value each differing field keeps (field -> person id); a field not named takes
    the newer non-empty value."""

    keep_id: Id | None = None
    values: dict[MergedField, Id] = Field(default_factory=dict)
