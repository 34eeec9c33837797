"""Use cases of clinical care: hospitals and beds, admissions (severity, transfer,
discharge with outcome), and bed demand. The lists (hospitals with their occupancy,
admissions, occupancy by jurisdiction) are in ``care.occupancy``.

Every read and write goes through the acting user's scope.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.care.beds import project_beds, project_cases
from fireline.care.models import Admission, Hospital
from fireline.care.occupancy import occupancy
from fireline.care.schemas import AdmissionCreate, BedDemand, HospitalCreate
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, NotFound, Problem
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from fireline.surveillance.trends.headline import headline_rt
from fireline.surveillance.trends.service import daily_counts

HISTORY_DAYS = 28
HORIZON_DAYS = 14


def create_hospital(session: Session, actor: Actor, data: HospitalCreate) -> Hospital:
    actor.require("cases:write")
    place = actor.jurisdiction(session, data.jurisdiction_code)
    hospital = Hospital(
        name=data.name,
        jurisdiction_id=place.id,
        beds_general=data.beds_general,
        beds_icu=data.beds_icu,
        beds_isolation=data.beds_isolation,
    )
    session.add(hospital)
    session.flush()
    audit.record(session, actor, "create", "hospital", [hospital.id], jurisdiction_id=place.id)
    return hospital


def place_for(session: Session, actor: Actor, code: str | None) -> Jurisdiction:
    """The jurisdiction with ``code`` in scope (404 otherwise), or the actor's own."""
    if code:
        return actor.jurisdiction(session, code)
    home = session.get(Jurisdiction, actor.jurisdiction_id) if actor.jurisdiction_id else None
    if home is None:  # the system: the root
        root = select(Jurisdiction).order_by(Jurisdiction.depth, Jurisdiction.id)
        home = session.scalars(root).first()
    if home is None:
        raise NotFound("jurisdiction")
    return home


def get_hospital(session: Session, actor: Actor, hospital_id: int) -> Hospital:
    actor.require("records:read")
    found: Hospital = actor.get(session, Hospital, hospital_id, f"hospital {hospital_id}")
    return found


def _free(session: Session, hospital: Hospital, bed_type: str) -> None:
    """Refuse an admission to a bed type with no bed left (nothing is stored)."""
    taken = (
        session.scalar(
            select(func.count())
            .select_from(Admission)
            .where(
                Admission.hospital_id == hospital.id,
                Admission.bed_type == bed_type,
                Admission.discharged_at.is_(None),
            )
        )
        or 0
    )
    if taken >= hospital.beds(bed_type):
        raise Conflict(
            f"no free {bed_type} bed in {hospital.name} ({taken} of {hospital.beds(bed_type)})"
        )


def admit(
    session: Session,
    actor: Actor,
    hospital_id: int,
    data: AdmissionCreate,
    *,
    now: datetime,
    transferred_from: int | None = None,
) -> Admission:
    actor.require("cases:write")
    hospital = session.scalars(
        actor.restrict(
            select(Hospital).where(Hospital.id == hospital_id), Hospital
        ).with_for_update()
    ).first()
    if hospital is None:
        get_hospital(session, actor, hospital_id)  # raises the scoped 404
        raise AssertionError("unreachable")
    actor.get(session, Person, data.person_id, f"person {data.person_id}")
    if data.case_id is not None:  # another county's case answers as a missing one
        actor.get(session, Case, data.case_id, f"case {data.case_id}")
    _free(session, hospital, data.bed_type)
    stay = Admission(
        hospital_id=hospital.id,
        jurisdiction_id=hospital.jurisdiction_id,
        person_id=data.person_id,
        case_id=data.case_id,
        bed_type=data.bed_type,
        severity=data.severity,
        admitted_at=data.admitted_at or now,
        transferred_from_id=transferred_from,
    )
    session.add(stay)
    session.flush()
    audit.record(
        session,
        actor,
        "admit",
        "admission",
        [stay.id],
        jurisdiction_id=hospital.jurisdiction_id,
        person=data.person_id,
    )
    return stay


def get_admission(session: Session, actor: Actor, admission_id: int) -> Admission:
    actor.require("records:read")
    found: Admission = actor.get(session, Admission, admission_id, f"admission {admission_id}")
    return found


def _open(session: Session, actor: Actor, admission_id: int, version: int) -> Admission:
    actor.require("cases:write")
    stay = get_admission(session, actor, admission_id)
    if stay.version != version:
        raise Conflict(f"admission {stay.id} is at version {stay.version}, not {version}")
    if stay.discharged_at is not None:
        raise Conflict(f"admission {stay.id} has ended")
    return stay


def discharge(
    session: Session, actor: Actor, admission_id: int, *, version: int, outcome: str, at: datetime
) -> Admission:
    stay = _open(session, actor, admission_id, version)
    admitted = stay.admitted_at if stay.admitted_at.tzinfo else stay.admitted_at.replace(tzinfo=UTC)
    if at < admitted:
        raise Problem(422, "the discharge is before the admission")
    stay.discharged_at, stay.outcome = at, outcome
    session.flush()
    audit.record(
        session,
        actor,
        "discharge",
        "admission",
        [stay.id],
        jurisdiction_id=stay.jurisdiction_id,
        outcome=outcome,
    )
    return stay


def change_severity(
    session: Session, actor: Actor, admission_id: int, *, version: int, severity: str
) -> Admission:
    stay = _open(session, actor, admission_id, version)
    stay.severity = severity
    session.flush()
    audit.record(
        session, actor, "update", "admission", [stay.id], jurisdiction_id=stay.jurisdiction_id
    )
    return stay


def transfer(
    session: Session,
    actor: Actor,
    admission_id: int,
    *,
    version: int,
    hospital_id: int,
    bed_type: str | None,
    severity: str | None,
    now: datetime,
) -> Admission:
    """End the stay here with outcome "transferred" and open one in the other hospital."""
    stay = _open(session, actor, admission_id, version)
    stay.discharged_at, stay.outcome = now, "transferred"
    session.flush()
    data = AdmissionCreate(
        person_id=stay.person_id,
        case_id=stay.case_id,
        bed_type=bed_type or stay.bed_type,
        severity=severity or stay.severity,
        admitted_at=now,
    )
    return admit(session, actor, hospital_id, data, now=now, transferred_from=stay.id)


def _rt(
    session: Session, actor: Actor, place: Jurisdiction, profile: DiseaseProfile, today: date
) -> tuple[float, str]:
    """The headline Rt (the dashboard's, one definition: trends.headline.headline_rt),
    or 1 (flat) when it is suppressed for too few cases."""
    found = headline_rt(session, actor, place.code, profile.code, today, {profile.code: profile})
    if found.mean is None:
        return 1.0, f"assumed (fewer than {found.min_cases} cases in the last complete window)"
    return found.mean, f"headline Rt: last complete 7-day window to {found.date_end}"


def bed_demand(
    session: Session,
    actor: Actor,
    place: Jurisdiction,
    profile: DiseaseProfile,
    *,
    today: date,
    kind: str,
) -> BedDemand:
    params = profile.hospitalisation
    share = params.share_icu if kind == "icu" else params.share_hospitalised
    stay = (
        (params.mean_icu_stay_days or params.mean_stay_days)
        if kind == "icu"
        else params.mean_stay_days
    )
    if share is None or stay is None:
        raise Problem(
            422, f"the {profile.code} profile has no hospitalisation parameters for {kind}"
        )
    start = today - timedelta(days=HISTORY_DAYS)
    local, imported = daily_counts(
        session, actor, place.code, profile.code, start, today - timedelta(days=1), by_onset=False
    )
    history = local + imported
    rt, source = _rt(session, actor, place, profile, today)
    cases = project_cases(
        history,
        rt,
        profile.serial_interval.mean_days,
        profile.serial_interval.sd_days,
        HORIZON_DAYS,
    )
    types = ("icu",) if kind == "icu" else ("general", "isolation")
    rows = [r for r in occupancy(session, actor.within(place)) if r.bed_type in types]
    open_now, capacity = sum(r.occupied for r in rows), sum(r.beds for r in rows)
    result = project_beds(today - timedelta(days=1), cases, share, open_now, stay, capacity)
    return BedDemand(
        disease=profile.code,
        as_of=today,
        rt=round(rt, 3),
        rt_source=source,
        kind=kind,
        open_now=open_now,
        capacity=capacity,
        days=result.days,
        cases=result.cases,
        beds=result.beds,
        runs_out=result.runs_out,
    )
