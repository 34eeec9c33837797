"""API shapes for persons."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

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


class MatchDecision(BaseModel):
    """Accept a match; ``keep_id`` chooses which of the two records survives."""

    keep_id: Id | None = None
