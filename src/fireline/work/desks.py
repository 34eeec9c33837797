"""The lab's and the facility's sections: samples received and waiting for a result, the
holds of screening (members of positive pools kept until their single retest), people
to admit into a facility, its rooms, and the quarantines ending.

Each is one statement in the reader's scope (``Actor.restrict``). A facility user is
scoped by jurisdiction, as every user is; the facilities are those under it.
"""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import and_, exists, func, select

from fireline.lab.models import LabResult, Sample
from fireline.people.models import Person
from fireline.quarantine.models import FacilityRoom, QuarantineFacility, QuarantineOrder
from fireline.testing.pooling.models import RetestOrder, ScreeningCampaign
from fireline.work.frame import Frame, audited, paged, utc
from fireline.work.schemas import WorkItem

Q = QuarantineOrder
F = QuarantineFacility
Section = tuple[list[WorkItem], int]


def samples_waiting(frame: Frame) -> Section:
    """Samples the lab received that have no result yet, longest waiting first. A barcode
    names a person's tube: the read is audited."""
    resulted = exists().where(LabResult.sample_id == Sample.id)
    statement = frame.actor.restrict(
        select(
            Sample.id,
            Sample.person_id,
            Sample.barcode,
            Sample.disease,
            Sample.sample_type,
            Sample.received_at,
            Sample.lab,
        ).where(Sample.received_at.is_not(None), ~resulted),
        Sample,
    ).order_by(Sample.received_at, Sample.id)
    rows, total = paged(frame, statement)
    items = [
        WorkItem(
            id=r[0],
            href="/testing/samples?barcode=" + quote(r[2], safe=""),
            label=r[2],
            disease=r[3],
            code=r[4],
            at=utc(r[5]),
        )
        for r in rows
    ]
    audited(frame, "sample", "samples_waiting", [i.id for i in items], [r[1] for r in rows])
    return items, total


def holds(frame: Frame) -> Section:
    """Open single retests of members of positive pools, each holding its person under
    quarantine until the result (testing/pooling), oldest first."""
    statement = frame.actor.restrict(
        select(
            RetestOrder.id,
            RetestOrder.person_id,
            Person.name,
            ScreeningCampaign.id,
            ScreeningCampaign.disease,
            RetestOrder.created_at,
            RetestOrder.hold_order_id,
        )
        .join(Person, Person.id == RetestOrder.person_id)
        .join(ScreeningCampaign, ScreeningCampaign.id == RetestOrder.campaign_id)
        .where(RetestOrder.status == "open"),
        RetestOrder,
    ).order_by(RetestOrder.created_at, RetestOrder.id)
    rows, total = paged(frame, statement)
    items = [
        WorkItem(
            id=r[0],
            href=f"/testing/campaigns/{r[3]}#retests",
            label=r[2],
            disease=r[4],
            at=utc(r[5]),
            link_id=r[3],
        )
        for r in rows
    ]
    audited(frame, "retest_order", "holds", [i.id for i in items], [r[1] for r in rows])
    return items, total


def _people_in_facilities(frame: Frame, key: str, *conditions: object) -> Section:
    """Active facility orders meeting ``conditions``, with the person and the facility."""
    statement = frame.actor.restrict(
        select(Q.id, Q.person_id, Person.name, Person.phone, Q.purpose, Q.start_date, Q.end_date)
        .add_columns(F.name)
        .join(Person, Person.id == Q.person_id)
        .outerjoin(F, F.id == Q.facility_id)
        .where(Q.status == "active", Q.kind == "facility", *conditions),  # type: ignore[arg-type]
        Q,
    )
    day_column = Q.start_date if key == "arrivals" else Q.end_date
    rows, total = paged(frame, statement.order_by(day_column, Q.id))
    items = [
        WorkItem(
            id=r[0],
            href=f"/quarantine/orders/{r[0]}",
            label=r[2],
            phone=r[3],
            code=r[4],
            day=r[5] if key == "arrivals" else r[6],
            place=r[7],
        )
        for r in rows
    ]
    audited(frame, "quarantine_order", key, [i.id for i in items], [r[1] for r in rows])
    return items, total


def arrivals(frame: Frame) -> Section:
    """People ordered into a facility and not admitted yet: no room, period not over;
    soonest start first. (Admission is placing the person in a room.)"""
    return _people_in_facilities(frame, "arrivals", Q.room_id.is_(None), Q.end_date >= frame.day)


def releases_due(frame: Frame) -> Section:
    """People in a facility whose quarantine ends today or ended already (the completion
    run closes them after midnight: quarantine/jobs.py), earliest end first."""
    return _people_in_facilities(
        frame, "releases_due", Q.purpose == "quarantine", Q.end_date <= frame.day
    )


def rooms(frame: Frame) -> Section:
    """The open facilities in scope with their beds and how many are taken today (the
    occupancy rule of quarantine/facilities.py), fullest first. Names no person."""
    capacity = (
        select(FacilityRoom.facility_id, func.sum(FacilityRoom.capacity).label("beds"))
        .group_by(FacilityRoom.facility_id)
        .subquery()
    )
    mine = frame.actor.restrict(select(F.id), F)
    taken = (
        select(Q.facility_id, func.count().label("taken"))
        .where(
            Q.facility_id.in_(mine),
            Q.status == "active",
            Q.room_id.is_not(None),
            and_(Q.start_date <= frame.day, Q.end_date >= frame.day),
        )
        .group_by(Q.facility_id)
        .subquery()
    )
    beds = func.coalesce(capacity.c.beds, 0)
    occupied = func.coalesce(taken.c.taken, 0)
    statement = frame.actor.restrict(
        select(F.id, F.name, beds, occupied)
        .outerjoin(capacity, capacity.c.facility_id == F.id)
        .outerjoin(taken, taken.c.facility_id == F.id)
        .where(F.active.is_(True)),
        F,
    ).order_by((beds - occupied), F.name, F.id)
    rows, total = paged(frame, statement)
    items = [
        WorkItem(
            id=r[0],
            href=f"/quarantine/facilities#facility-{r[0]}",
            label=r[1],
            capacity=int(r[2]),
            occupied=int(r[3]),
        )
        for r in rows
    ]
    return items, total
