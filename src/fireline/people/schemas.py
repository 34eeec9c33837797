"""API shapes for persons."""

from __future__ import annotations

from datetime import date, datetime

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
    merged_into_id: int | None = None


class PersonMatchRead(BaseModel):
    """A proposal that ``duplicate`` is the same person as ``person`` (the one to keep)."""

    id: int
    status: str
    score: float
    reasons: list[str]
    person: PersonRead
    duplicate: PersonRead
    decided_by: int | None
    decided_at: datetime | None
    created_at: datetime


class MatchDecision(BaseModel):
    """Accept a match; ``keep_id`` chooses which of the two records survives."""

    keep_id: int | None = None
