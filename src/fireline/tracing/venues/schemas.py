"""API shapes of venue exposures: rules, proposals, decisions, visits."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fireline.bounds import Id, Int64, Whole
from fireline.tracing.venues.rules import ExposureRule


class RuleIn(BaseModel):
    """The exposure rule of a run; every default is a deployment choice (see rules.py)."""

    category: str = "close"
    stay_minutes: Whole = Field(default=60, gt=0, le=24 * 60)
    round_minutes: Whole = Field(default=0, ge=0, le=24 * 60)
    padding_minutes: Whole = Field(default=0, ge=0, le=24 * 60)
    min_overlap_minutes: Whole = Field(default=0, ge=0, le=24 * 60)

    def rule(self) -> ExposureRule:
        return ExposureRule(**self.model_dump(include=set(RuleIn.model_fields)))


class ProposeRequest(RuleIn):
    engine: Literal["duckdb", "spark"] = "duckdb"


class ProposeReport(BaseModel):
    cases: Int64
    exposures: Int64
    proposed: Int64
    engine: str
    proposal_ids: list[Int64]


class ProposalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    case_id: Id
    person_id: Id
    venue_id: Id
    category: str
    rule: str
    exposure_start: datetime
    exposure_end: datetime
    overlap_minutes: Int64
    status: str
    contact_id: Id | None


class DecisionRequest(BaseModel):
    ids: list[Int64] = Field(min_length=1, max_length=5000)
    decision: Literal["confirm", "reject"]


class DecisionRead(BaseModel):
    decided: Int64
    contacts_created: Int64
    contact_ids: list[Int64]


class ImportRead(BaseModel):
    rows: Int64


class VisitRead(BaseModel):
    person_id: Id
    checked_in_at: datetime
    checked_out_at: datetime | None
    is_case: bool
