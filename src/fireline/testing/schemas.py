"""API shapes for samples, lab results and lab messages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fireline.bounds import Day, Id, Instant, Int64

Outcome = Literal["positive", "negative", "inconclusive"]
TestType = Literal["pcr", "antigen", "antibody", "other"]


class PersonRef(BaseModel):
    """Who a result is for when its sample is unknown: found by national ID, or new (and
    then proposed to the matching queue)."""

    name: str = Field(min_length=1, max_length=200)
    national_id: str | None = Field(default=None, max_length=32)
    sex: str | None = Field(default=None, max_length=16)
    birth_date: Day | None = None
    phone: str | None = Field(default=None, max_length=32)


class SampleCreate(BaseModel):
    barcode: str = Field(min_length=1, max_length=64)
    disease: str
    sample_type: str = Field(min_length=1, max_length=32)
    collected_at: Instant
    jurisdiction_code: str
    person_id: Id | None = None
    person: PersonRef | None = None
    site: str | None = Field(default=None, max_length=100)
    lab: str | None = Field(default=None, max_length=100)
    received_at: Instant | None = None


class SampleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    barcode: str
    person_id: Id
    disease: str
    sample_type: str
    collected_at: datetime
    received_at: datetime | None
    site: str | None
    lab: str | None
    jurisdiction_id: Id


class Target(BaseModel):
    gene: str = Field(min_length=1, max_length=32)
    ct: float | None = None


class ResultCreate(BaseModel):
    """One result; ``external_id`` is the lab's identifier (idempotency and amendments)."""

    barcode: str = Field(min_length=1, max_length=64)
    disease: str
    outcome: Outcome
    resulted_at: Instant
    test_type: TestType | None = None
    code_system: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=200)
    status: Literal["final", "amended", "corrected", "preliminary"] = "final"
    targets: list[Target] = Field(default_factory=list)
    ct_value: float | None = None
    lab: str | None = Field(default=None, max_length=100)
    # Used when the barcode is not on file: the sample is registered with the result.
    jurisdiction_code: str | None = None
    sample_type: str | None = Field(default=None, max_length=32)
    collected_at: Instant | None = None
    received_at: Instant | None = None
    person: PersonRef | None = None


class ResultMessage(BaseModel):
    """A lab message of results: the same ``message_id`` twice is a no-op."""

    source: str = Field(min_length=1, max_length=64)
    message_id: str = Field(min_length=1, max_length=200)
    results: list[ResultCreate] = Field(min_length=1)


class ResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    sample_id: Id
    test_type: str
    outcome: str
    ct_value: float | None
    targets: list[dict[str, object]]
    resulted_at: datetime
    source: str
    external_id: str | None
    revision: Int64
    current: bool
    status: str
    code_system: str | None
    code: str | None
    lab: str | None
    case_id: Id | None
    jurisdiction_id: Id
    created_at: datetime


class ResultDetail(ResultRead):
    barcode: str
    history: list[ResultRead]


class MessageReport(BaseModel):
    """What a lab message changed; ``repeated`` is true when it had been received before."""

    model_config = ConfigDict(from_attributes=True)

    id: Id
    source: str
    message_id: str
    format: str
    results_created: Int64
    results_amended: Int64
    results_unchanged: Int64
    cases_created: Int64
    cases_confirmed: Int64
    persons_created: Int64
    matches_proposed: Int64
    retests_closed: Int64
    created_at: datetime
    repeated: bool = False


class Turnaround(BaseModel):
    """Median hours collection -> receipt -> result, per lab and site."""

    lab: str | None
    site: str | None
    results: Int64
    collect_to_receipt_h: float | None
    receipt_to_result_h: float | None
    collect_to_result_h: float | None
