"""API shapes for alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fireline.bounds import Count, Id


class AlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    jurisdiction_id: Id
    disease: str
    signal_date: date
    method: str
    observed: float
    expected: float
    threshold: float
    score: float
    status: str
    reason: str | None
    decided_at: datetime | None
    version: Count


class AlertDecision(BaseModel):
    action: Literal["acknowledge", "dismiss"]
    reason: str | None = Field(default=None, max_length=1000)
    version: Count
