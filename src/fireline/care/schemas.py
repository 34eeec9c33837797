"""API shapes of hospitals, admissions, occupancy and bed demand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BedType = Literal["general", "icu", "isolation"]
Severity = Literal["mild", "moderate", "severe", "critical"]


class HospitalCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    jurisdiction_code: str
    beds_general: int = Field(default=0, ge=0)
    beds_icu: int = Field(default=0, ge=0)
    beds_isolation: int = Field(default=0, ge=0)


class HospitalUpdate(BaseModel):
    version: int
    beds_general: int | None = Field(default=None, ge=0)
    beds_icu: int | None = Field(default=None, ge=0)
    beds_isolation: int | None = Field(default=None, ge=0)


class AdmissionCreate(BaseModel):
    person_id: int
    case_id: int | None = None
    bed_type: BedType
    severity: Severity
    admitted_at: datetime | None = None


class Discharge(BaseModel):
    version: int
    outcome: Literal["recovered", "died", "discharged"]
    at: datetime | None = None


class TransferAdmission(BaseModel):
    version: int
    hospital_id: int
    bed_type: BedType | None = None
    severity: Severity | None = None


class SeverityChange(BaseModel):
    version: int
    severity: Severity


class AdmissionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    hospital_id: int
    person_id: int
    case_id: int | None
    bed_type: str
    severity: str
    admitted_at: datetime
    discharged_at: datetime | None
    outcome: str | None
    transferred_from_id: int | None
    version: int


class BedCount(BaseModel):
    bed_type: str
    beds: int
    occupied: int


class HospitalRead(BaseModel):
    id: int
    name: str
    jurisdiction_id: int
    beds: list[BedCount]
    admitted_today: int
    version: int


class OccupancyRow(BaseModel):
    jurisdiction_id: int
    bed_type: str
    beds: int
    occupied: int


class BedDemand(BaseModel):
    """The projection and its inputs (see docs/care.md for the model)."""

    disease: str
    as_of: date
    rt: float
    rt_source: str
    kind: Literal["hospital", "icu"]
    open_now: int
    capacity: int
    days: list[date]
    cases: list[float]
    beds: list[float]
    runs_out: date | None
