"""JSON routes of hospitals, admissions, occupancy and projected bed demand."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from fireline.auth.deps import ApiActor
from fireline.bounds import Id
from fireline.care import occupancy, service
from fireline.care.schemas import (
    AdmissionCreate,
    AdmissionRead,
    BedDemand,
    Discharge,
    HospitalCreate,
    HospitalRead,
    OccupancyRow,
    SeverityChange,
    TransferAdmission,
)
from fireline.db.deps import DbSession
from fireline.errors import NotFound
from fireline.pagination import Page, make_page
from fireline.web.deps import ApiContext, ApiListQuery, AppNow

router = APIRouter(prefix="/care", tags=["care"])


@router.post("/hospitals", response_model=HospitalRead, status_code=201)
def create_hospital(body: HospitalCreate, actor: ApiActor, session: DbSession) -> HospitalRead:
    made = service.create_hospital(session, actor, body)
    return occupancy.hospital(session, actor, made.id)


@router.get("/hospitals", response_model=Page[HospitalRead])
def read_hospitals(
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    jurisdiction: str | None = None,
) -> Page[HospitalRead]:
    """Hospitals in your subtree (or under ``jurisdiction``) with beds and occupancy; sort by
    ``beds`` (default, the largest first) or ``name``; ``q`` searches the names."""
    asked = context.within_code(session, jurisdiction)
    rows, total = occupancy.list_hospitals(session, asked, query)
    return make_page(rows, total, query)


@router.get("/hospitals/{hospital_id:int}", response_model=HospitalRead)
def read_hospital(hospital_id: Id, actor: ApiActor, session: DbSession) -> HospitalRead:
    return occupancy.hospital(session, actor, hospital_id)


@router.get("/hospitals/{hospital_id:int}/admissions", response_model=Page[AdmissionRead])
def read_admissions(
    hospital_id: Id,
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    bed_type: Literal["general", "icu", "isolation"] | None = None,
    severity: str | None = None,
) -> Page[AdmissionRead]:
    """Patients in the hospital now, newest first (the read is audited)."""
    rows, total = occupancy.list_admissions(session, context, hospital_id, query)
    return make_page([AdmissionRead.model_validate(a) for a in rows], total, query)


@router.post(
    "/hospitals/{hospital_id:int}/admissions", response_model=AdmissionRead, status_code=201
)
def admit(
    hospital_id: Id, body: AdmissionCreate, actor: ApiActor, session: DbSession, now: AppNow
) -> AdmissionRead:
    return AdmissionRead.model_validate(service.admit(session, actor, hospital_id, body, now=now))


@router.post("/admissions/{admission_id:int}/discharge", response_model=AdmissionRead)
def discharge(
    admission_id: Id, body: Discharge, actor: ApiActor, session: DbSession, now: AppNow
) -> AdmissionRead:
    stay = service.discharge(
        session, actor, admission_id, version=body.version, outcome=body.outcome, at=body.at or now
    )
    return AdmissionRead.model_validate(stay)


@router.post("/admissions/{admission_id:int}/severity", response_model=AdmissionRead)
def severity(
    admission_id: Id, body: SeverityChange, actor: ApiActor, session: DbSession
) -> AdmissionRead:
    stay = service.change_severity(
        session, actor, admission_id, version=body.version, severity=body.severity
    )
    return AdmissionRead.model_validate(stay)


@router.post("/admissions/{admission_id:int}/transfer", response_model=AdmissionRead)
def transfer(
    admission_id: Id, body: TransferAdmission, actor: ApiActor, session: DbSession, now: AppNow
) -> AdmissionRead:
    """Move a patient to another hospital: this stay ends "transferred", a new one opens."""
    stay = service.transfer(
        session,
        actor,
        admission_id,
        version=body.version,
        hospital_id=body.hospital_id,
        bed_type=body.bed_type,
        severity=body.severity,
        now=now,
    )
    return AdmissionRead.model_validate(stay)


@router.get("/occupancy", response_model=Page[OccupancyRow])
def read_occupancy(
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    jurisdiction: str | None = None,
) -> Page[OccupancyRow]:
    """Beds and occupied beds per jurisdiction and bed type, in your subtree (or under
    ``jurisdiction``), by jurisdiction then bed type."""
    asked = context.within_code(session, jurisdiction)
    rows, total = occupancy.occupancy_page(session, asked, query)
    return make_page(rows, total, query)


@router.get("/bed-demand", response_model=BedDemand)
def read_bed_demand(
    context: ApiContext,
    session: DbSession,
    jurisdiction: str | None = None,
    disease: str = "covid19",
    kind: Literal["hospital", "icu"] = "hospital",
) -> BedDemand:
    """Beds needed over the next 14 days and the day capacity runs out (docs/care.md);
    the jurisdiction defaults to your own."""
    place = service.place_for(session, context.actor, jurisdiction)
    profile = context.profile(disease)
    if profile is None:
        raise NotFound(f"disease profile {disease}")
    return service.bed_demand(
        session, context.actor, place, profile, today=context.today(place), kind=kind
    )
