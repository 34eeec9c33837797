"""API shapes for situation figures."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from fireline.bounds import Int64


class MechanismCounts(BaseModel):
    """What each mechanism holds for one jurisdiction subtree (counts only, no personal data)."""

    jurisdiction_code: str
    cases_by_classification: dict[str, Int64]
    cases_last_7_days: Int64
    contacts: Int64
    quarantine_active: Int64
    samples: Int64
    positive_results: Int64
    venues: Int64
    # Admitted and not yet discharged, every bed type: care.occupancy.census, the count
    # the care page and its table give too.
    patients_in_hospital: Int64
    as_of: datetime | None = Field(
        default=None,
        description="When these counts were made, for a subtree too large to count on every "
        "request (refreshed every few minutes); null when counted for this request.",
    )


class ChildCounts(BaseModel):
    code: str
    name_en: str
    name_zh: str
    level: str
    population: Int64 | None
    confirmed: Int64
    incidence_per_100k: float | None
