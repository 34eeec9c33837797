"""API shapes of venue exposures: rules, proposals, decisions, visits."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fireline.tracing.venues.rules import ExposureRule


class RuleIn(BaseModel):
    """The exposure rule of a run; every default is a deployment choice (see rules.py)."""

    category: str = "close"
    stay_minutes: int = Field(default=60, gt=0, le=24 * 60)
    round_minutes: int = Field(default=0, ge=0, le=24 * 60)
    padding_minutes: int = Field(default=0, ge=0, le=24 * 60)
    min_overlap_minutes: int = Field(default=0, ge=0, le=24 * 60)

    def rule(self) -> ExposureRule:
        return ExposureRule(**self.model_dump(include=set(RuleIn.model_fields)))


class ProposeRequest(RuleIn):
    engine: Literal["duckdb", "spark"] = "duckdb"


class ProposeReport(BaseModel):
    cases: int
    exposures: int
    proposed: int
    engine: str
    proposal_ids: list[int]


class ProposalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    person_id: int
    venue_id: int
    category: str
    rule: str
    exposure_start: datetime
    exposure_end: datetime
    overlap_minutes: int
    status: str
    contact_id: int | None


class DecisionRequest(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=5000)
    decision: Literal["confirm", "reject"]


class DecisionRead(BaseModel):
    decided: int
    contacts_created: int
    contact_ids: list[int]


class ImportRead(BaseModel):
    rows: int


class VisitRead(BaseModel):
    person_id: int
    checked_in_at: datetime
    checked_out_at: datetime | None
    is_case: bool
