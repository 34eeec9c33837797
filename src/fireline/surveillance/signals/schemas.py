"""API shapes for alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from fireline.bounds import Count, Id


class Place(Protocol):
    code: str


class AlertRead(BaseModel):
    """An alert. ``threshold`` is the count above which the method signalled (EARS:
    mean + h sd; Farrington: the upper bound of the week, ``signal_date`` being the
    week's last day); it is null when there is none, and ``threshold_note`` says why:
    ``any-count`` (EARS C3 carried by the two days before) or ``not-recorded``."""

    model_config = ConfigDict(from_attributes=True)

    id: Id
    jurisdiction_id: Id
    jurisdiction_code: str | None = None
    disease: str
    signal_date: date
    method: str  # ears-c1, ears-c2, ears-c3 or farrington
    observed: float
    expected: float
    threshold: float | None
    threshold_note: Literal["any-count", "not-recorded"] | None = None
    score: float
    status: str
    reason: str | None
    decided_at: datetime | None
    version: Count

    def placed(self, place: Place) -> AlertRead:
        return self.model_copy(update={"jurisdiction_code": place.code})


class AlertDecision(BaseModel):
    action: Literal["acknowledge", "dismiss"]
    reason: str | None = Field(default=None, max_length=1000)
    version: Count
