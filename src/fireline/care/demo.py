"""The demo's hospitals and patients: two hospitals per city with beds by type, and a
share of the recent confirmed cases admitted to their city's first hospital.

Beds follow the city's population at round deployment figures (general 1 per 20,000,
intensive care 1 per 200,000, isolation 1 per 100,000): a demo's scale, not a norm.
Admissions are one INSERT ... SELECT per report day, so ``fireline demo`` stays fast.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, func, insert, literal, select, update
from sqlalchemy.orm import Session, aliased

from fireline.auth.scope import system_actor
from fireline.care import service
from fireline.care.models import Admission, Hospital
from fireline.care.schemas import HospitalCreate
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case

ADMIT_DAYS: Final = 21
ADMITTED_SHARE: Final = 3  # every 3rd recent confirmed case (by id) is admitted
HOSPITALS: Final = (("First People's Hospital", 1.0), ("Infectious Disease Hospital", 0.5))


def _hospitals(session: Session) -> None:
    actor = system_actor()
    cities = session.scalars(select(Jurisdiction).where(Jurisdiction.level == "city"))
    for city in cities.all():
        people = city.population or 1_000_000
        for name, share in HOSPITALS:
            service.create_hospital(
                session,
                actor,
                HospitalCreate(
                    name=f"{city.name_en} {name}",
                    jurisdiction_code=city.code,
                    beds_general=round(share * people / 20_000),
                    beds_icu=max(2, round(share * people / 200_000)),
                    beds_isolation=max(4, round(share * people / 100_000)),
                ),
            )


def _admit(session: Session, day: date, now: datetime) -> None:
    """The day's admissions: to the first hospital of the case's county's parent city, at
    15:00 local, or just before ``now`` on a day that has not reached it (none later)."""
    county = aliased(Jurisdiction)
    first = (
        select(func.min(Hospital.id))
        .where(Hospital.jurisdiction_id == county.parent_id)
        .scalar_subquery()
    )
    at = datetime.combine(day, time(15), ZoneInfo("Asia/Shanghai")).astimezone(UTC)
    at = min(at, now - timedelta(minutes=10))
    key = Case.id // ADMITTED_SHARE  # the admitted ids are all multiples of the share
    severity = case(
        (key % 20 == 0, "critical"),
        (key % 7 == 0, "severe"),
        (key % 3 == 0, "moderate"),
        else_="mild",
    )
    bed = case((key % 20 == 0, "icu"), (key % 7 == 0, "isolation"), else_="general")
    rows = (
        select(
            first, Case.person_id, Case.id, bed, severity, literal(at), county.parent_id, literal(1)
        )
        .join(county, county.id == Case.jurisdiction_id)
        .where(
            Case.classification == "confirmed",
            Case.date_reporting == day,
            Case.id % ADMITTED_SHARE == 0,
            exists().where(Hospital.jurisdiction_id == county.parent_id),
        )
    )
    columns = [
        "hospital_id",
        "person_id",
        "case_id",
        "bed_type",
        "severity",
        "admitted_at",
        "jurisdiction_id",
        "version",
    ]
    session.execute(insert(Admission).from_select(columns, rows))


def add_hospitals(session: Session, today: date, now: datetime) -> None:
    """Hospitals, three weeks of admissions, mild patients of the first ten days discharged."""
    _hospitals(session)
    for back in range(ADMIT_DAYS - 1, -1, -1):
        _admit(session, today - timedelta(days=back), now)
    cutoff = datetime.combine(today - timedelta(days=10), time(), ZoneInfo("Asia/Shanghai"))
    session.execute(
        update(Admission)
        .where(Admission.admitted_at < cutoff, Admission.severity == "mild")
        .values(discharged_at=now - timedelta(hours=6), outcome="recovered")
        .execution_options(synchronize_session=False)
    )
