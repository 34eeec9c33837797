"""API shapes for situation figures."""

from __future__ import annotations

from pydantic import BaseModel


class MechanismCounts(BaseModel):
    """What each mechanism holds for one jurisdiction subtree (counts only, no personal data)."""

    jurisdiction_code: str
    cases_by_classification: dict[str, int]
    cases_last_7_days: int
    contacts: int
    quarantine_active: int
    samples: int
    positive_results: int
    venues: int


class ChildCounts(BaseModel):
    code: str
    name_en: str
    name_zh: str
    level: str
    population: int | None
    confirmed: int
    incidence_per_100k: float | None
