"""API shapes of imports, their reports, and saved column mappings."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from fireline.bounds import Id, Int64


class ImportBatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    filename: str
    source: str
    disease: str
    default_classification: str
    status: str
    encoding: str | None
    headers: list[str]
    mapping: dict[str, str]
    missing_fields: list[str] = []
    unmapped_headers: list[str] = []
    total_rows: Int64
    bad_rows: Int64
    duplicate_rows: Int64
    cases_created: Int64
    persons_created: Int64
    persons_reused: Int64
    matches_proposed: Int64
    user_id: Id | None
    jurisdiction_id: Id
    created_at: datetime
    committed_at: datetime | None


class ImportProblemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line: Int64
    column: str
    value: str
    message: str
    severity: str


class RemapRequest(BaseModel):
    mapping: dict[str, str] = {}
    mapping_name: str | None = None


class CommitRequest(BaseModel):
    good_rows_only: StrictBool = False


class TargetRead(BaseModel):
    name: str
    label_en: str
    label_zh: str
    required: bool
    headers: list[str]


class MappingWrite(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    columns: dict[str, str]


class MappingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    name: str
    columns: dict[str, str]
    jurisdiction_id: Id
    created_by: Int64 | None
    updated_at: datetime
