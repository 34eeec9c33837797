"""The care lists the page and the API share: hospitals with their beds and occupancy,
a hospital's patients, and occupancy by jurisdiction and bed type.

Every read goes through the context's actor, narrowed to the jurisdiction asked for.
Occupancy is grouped statements over the open stays, never hospital by hospital.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.care.models import BED_TYPES, Admission, Hospital
from fireline.care.schemas import BedCount, HospitalRead, OccupancyRow, PatientCensus
from fireline.context import Context
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate

BEDS: Final = Hospital.beds_general + Hospital.beds_icu + Hospital.beds_isolation

HOSPITAL_LIST: Final = ListSpec(
    sorts={"beds": (BEDS, Hospital.id), "name": (Hospital.name, Hospital.id)},
    default_sort="beds",  # the largest first
    search=lambda text: [Hospital.name.contains(text, autoescape=True)],
)
ADMISSION_LIST: Final = ListSpec(
    sorts={"admitted": (Admission.admitted_at, Admission.id)},
    default_sort="admitted",
    filters={
        "bed_type": lambda v: Admission.bed_type == v if v in BED_TYPES else None,
        "severity": lambda v: Admission.severity == v,
    },
)


def _open_counts(
    session: Session, actor: Actor, hospital_ids: list[int]
) -> dict[tuple[int, str], int]:
    """Open stays by (hospital, bed type), in one grouped statement."""
    statement = actor.restrict(
        select(Admission.hospital_id, Admission.bed_type, func.count())
        .where(Admission.discharged_at.is_(None), Admission.hospital_id.in_(hospital_ids))
        .group_by(Admission.hospital_id, Admission.bed_type),
        Admission,
    )
    return {(h, t): int(n) for h, t, n in session.execute(statement)}


def _admitted_since(
    session: Session, actor: Actor, hospital_ids: list[int], day_start: datetime | None
) -> dict[int, int]:
    if day_start is None:
        return {}
    statement = actor.restrict(
        select(Admission.hospital_id, func.count())
        .where(Admission.admitted_at >= day_start, Admission.hospital_id.in_(hospital_ids))
        .group_by(Admission.hospital_id),
        Admission,
    )
    return {h: int(n) for h, n in session.execute(statement)}


def with_beds(
    session: Session, actor: Actor, found: list[Hospital], day_start: datetime | None = None
) -> list[HospitalRead]:
    """The hospitals with beds and occupancy by type (and admissions since ``day_start``)."""
    ids = [h.id for h in found]
    taken = _open_counts(session, actor, ids)
    today = _admitted_since(session, actor, ids, day_start)
    return [
        HospitalRead(
            id=h.id,
            name=h.name,
            jurisdiction_id=h.jurisdiction_id,
            version=h.version,
            admitted_today=today.get(h.id, 0),
            beds=[
                BedCount(bed_type=t, beds=h.beds(t), occupied=taken.get((h.id, t), 0))
                for t in BED_TYPES
            ],
        )
        for h in found
    ]


def list_hospitals(
    session: Session, context: Context, query: ListQuery, day_start: datetime | None = None
) -> tuple[list[HospitalRead], int]:
    """Hospitals in the context's scope with their beds and occupancy, the largest first by
    default; the care page and the API list them here (no person is named)."""
    actor = context.actor
    actor.require("records:read")
    statement = actor.restrict(select(Hospital), Hospital)
    found, total = search_filter_sort_paginate(session, statement, HOSPITAL_LIST, query)
    return with_beds(session, actor, list(found), day_start), total


def hospital(session: Session, actor: Actor, hospital_id: int) -> HospitalRead:
    """One hospital in scope with its beds and occupancy, or 404."""
    actor.require("records:read")
    found: Hospital = actor.get(session, Hospital, hospital_id, f"hospital {hospital_id}")
    return with_beds(session, actor, [found])[0]


def occupancy(session: Session, actor: Actor) -> list[OccupancyRow]:
    """Beds and occupied beds per jurisdiction and bed type, over every hospital in the
    actor's scope (two grouped statements)."""
    actor.require("records:read")
    found = list(session.scalars(actor.restrict(select(Hospital), Hospital)))
    table: dict[tuple[int, str], list[int]] = {}
    for h in with_beds(session, actor, found):
        for b in h.beds:
            cell = table.setdefault((h.jurisdiction_id, b.bed_type), [0, 0])
            cell[0] += b.beds
            cell[1] += b.occupied
    return [
        OccupancyRow(jurisdiction_id=j, bed_type=t, beds=v[0], occupied=v[1])
        for (j, t), v in sorted(table.items())
    ]


def census(session: Session, actor: Actor) -> PatientCensus:
    """Patients in hospital now and the beds, by bed type, over the actor's scope: the
    open stays (admitted, not discharged) and the staffed beds, one grouped statement
    each. Every page and route that counts patients counts them here (issue #15)."""
    actor.require("records:read")
    beds = session.execute(
        actor.restrict(
            select(
                func.coalesce(func.sum(Hospital.beds_general), 0),
                func.coalesce(func.sum(Hospital.beds_icu), 0),
                func.coalesce(func.sum(Hospital.beds_isolation), 0),
            ),
            Hospital,
        )
    ).one()
    open_stays = actor.restrict(
        select(Admission.bed_type, func.count())
        .where(Admission.discharged_at.is_(None))
        .group_by(Admission.bed_type),
        Admission,
    )
    taken = {t: int(n) for t, n in session.execute(open_stays)}
    by_type = [
        BedCount(bed_type=t, beds=int(b), occupied=taken.get(t, 0))
        for t, b in zip(BED_TYPES, beds, strict=True)
    ]
    return PatientCensus(
        patients=sum(b.occupied for b in by_type),
        beds=sum(b.beds for b in by_type),
        by_type=by_type,
    )


def occupancy_page(
    session: Session, context: Context, query: ListQuery
) -> tuple[list[OccupancyRow], int]:
    """One page of :func:`occupancy` (by jurisdiction, then bed type) and how many rows."""
    rows = occupancy(session, context.actor)
    return rows[query.offset : query.offset + query.limit], len(rows)


def list_admissions(
    session: Session, context: Context, hospital_id: int, query: ListQuery
) -> tuple[list[Admission], int]:
    """The patients in the hospital now, newest first by default (the read is audited)."""
    actor = context.actor
    actor.require("records:read")
    found: Hospital = actor.get(session, Hospital, hospital_id, f"hospital {hospital_id}")
    statement = actor.restrict(
        select(Admission).where(
            Admission.hospital_id == found.id, Admission.discharged_at.is_(None)
        ),
        Admission,
    )
    rows, total = search_filter_sort_paginate(session, statement, ADMISSION_LIST, query)
    audit.record(
        session,
        actor,
        "read",
        "admission",
        [a.id for a in rows],
        jurisdiction_id=found.jurisdiction_id,
        persons=[a.person_id for a in rows],
    )
    return list(rows), total
