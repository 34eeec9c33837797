"""JSON routes of hospitals, admissions, occupancy and projected bed demand."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends

from fireline.auth.deps import ApiActor
from fireline.bounds import Id
from fireline.care import service
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
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import NotFound
from fireline.places.models import Jurisdiction
from fireline.quarantine import deps

router = APIRouter(prefix="/care", tags=["care"])
Now = Annotated[datetime, Depends(deps.now)]
Profiles = Annotated[Mapping[str, DiseaseProfile], Depends(deps.profiles)]


@router.post("/hospitals", response_model=HospitalRead, status_code=201)
def create_hospital(body: HospitalCreate, actor: ApiActor, session: DbSession) -> HospitalRead:
    hospital = service.create_hospital(session, actor, body)
    return service.hospitals(session, actor, None, None, hospital.id)[0]


@router.get("/hospitals", response_model=list[HospitalRead])
def read_hospitals(
    actor: ApiActor, session: DbSession, jurisdiction: str | None = None
) -> list[HospitalRead]:
    place = actor.jurisdiction(session, jurisdiction) if jurisdiction else None
    return service.hospitals(session, actor, place, None)


@router.get("/hospitals/{hospital_id:int}", response_model=HospitalRead)
def read_hospital(hospital_id: Id, actor: ApiActor, session: DbSession) -> HospitalRead:
    found = service.hospitals(session, actor, None, None, hospital_id)
    if not found:
        raise NotFound(f"hospital {hospital_id}")
    return found[0]


@router.get("/hospitals/{hospital_id:int}/admissions", response_model=list[AdmissionRead])
def read_admissions(hospital_id: Id, actor: ApiActor, session: DbSession) -> list[AdmissionRead]:
    """Patients in the hospital now (the read is audited)."""
    return [
        AdmissionRead.model_validate(a)
        for a in service.admissions_page(session, actor, hospital_id)
    ]


@router.post(
    "/hospitals/{hospital_id:int}/admissions", response_model=AdmissionRead, status_code=201
)
def admit(
    hospital_id: Id, body: AdmissionCreate, actor: ApiActor, session: DbSession, now: Now
) -> AdmissionRead:
    return AdmissionRead.model_validate(service.admit(session, actor, hospital_id, body, now=now))


@router.post("/admissions/{admission_id:int}/discharge", response_model=AdmissionRead)
def discharge(
    admission_id: Id, body: Discharge, actor: ApiActor, session: DbSession, now: Now
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
    admission_id: Id, body: TransferAdmission, actor: ApiActor, session: DbSession, now: Now
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


@router.get("/occupancy", response_model=list[OccupancyRow])
def read_occupancy(
    actor: ApiActor, session: DbSession, jurisdiction: str | None = None
) -> list[OccupancyRow]:
    place = actor.jurisdiction(session, jurisdiction) if jurisdiction else None
    return service.occupancy(session, actor, place)


@router.get("/bed-demand", response_model=BedDemand)
def read_bed_demand(
    actor: ApiActor,
    session: DbSession,
    now: Now,
    profiles: Profiles,
    jurisdiction: str | None = None,
    disease: str = "covid19",
    kind: Literal["hospital", "icu"] = "hospital",
) -> BedDemand:
    """Beds needed over the next 14 days and the day capacity runs out (docs/care.md);
    the jurisdiction defaults to your own."""
    home = session.get(Jurisdiction, actor.jurisdiction_id)
    code = jurisdiction or (home.code if home is not None else "")
    place = actor.jurisdiction(session, code)
    profile = profiles.get(disease)
    if profile is None:
        raise NotFound(f"disease profile {disease}")
    today = deps.local_day(session, now, place.id)
    return service.bed_demand(session, actor, place, profile, today=today, kind=kind)
