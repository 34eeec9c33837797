"""API shapes of hospitals, admissions, occupancy and bed demand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fireline.bounds import INT64_MAX, Count, Id, Instant, Int64, Whole

BedType = Literal["general", "icu", "isolation"]
Severity = Literal["mild", "moderate", "severe", "critical"]


class HospitalCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    jurisdiction_code: str
    beds_general: Whole = Field(default=0, ge=0, le=INT64_MAX)
    beds_icu: Whole = Field(default=0, ge=0, le=INT64_MAX)
    beds_isolation: Whole = Field(default=0, ge=0, le=INT64_MAX)


class AdmissionCreate(BaseModel):
    person_id: Id
    case_id: Id | None = None
    bed_type: BedType
    severity: Severity
    admitted_at: Instant | None = None


class Discharge(BaseModel):
    version: Count
    outcome: Literal["recovered", "died", "discharged"]
    at: Instant | None = None


class TransferAdmission(BaseModel):
    version: Count
    hospital_id: Id
    bed_type: BedType | None = None
    severity: Severity | None = None


class SeverityChange(BaseModel):
    version: Count
    severity: Severity


class AdmissionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    hospital_id: Id
    person_id: Id
    case_id: Id | None
    bed_type: str
    severity: str
    admitted_at: datetime
    discharged_at: datetime | None
    outcome: str | None
    transferred_from_id: Id | None
    version: Count


class BedCount(BaseModel):
    bed_type: str
    beds: Int64
    occupied: Int64


class HospitalRead(BaseModel):
    id: Id
    name: str
    jurisdiction_id: Id
    beds: list[BedCount]
    admitted_today: Int64
    version: Count


class OccupancyRow(BaseModel):
    jurisdiction_id: Id
    bed_type: str
    beds: Int64
    occupied: Int64


class BedDemand(BaseModel):
    """The projection and its inputs (see docs/care.md for the model)."""

    disease: str
    as_of: date
    rt: float
    rt_source: str
    kind: Literal["hospital", "icu"]
    open_now: Int64
    capacity: Int64
    days: list[date]
    cases: list[float]
    beds: list[float]
    runs_out: date | None


class PatientCensus(BaseModel):
    """Patients in hospital now: admissions not yet discharged, in hospitals of the place,
    every bed type and every disease. The one count the overview, the care page, its
    table and the API give (care.occupancy.census)."""

    patients: Int64
    beds: Int64
    by_type: list[BedCount]  # general, icu, isolation, in that order

    def of(self, bed_type: str) -> BedCount:
        return next(b for b in self.by_type if b.bed_type == bed_type)
