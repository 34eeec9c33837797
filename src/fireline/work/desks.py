"""The lab's and the facility's sections: samples received and waiting for a result, the
holds of screening (members of positive pools kept until their single retest), people
to admit into a facility, its rooms, and the quarantines ending.

Each is one statement in the reader's scope (``Actor.restrict``). A facility user sees
only the facilities they work at (``quarantine.staff``, the ``facility_staff`` table),
inside that scope: their rooms, their guests to release, and as arrivals the people
ordered into their facilities or into no facility yet, whom any of them may admit.
"""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select

from fireline.lab.models import LabResult, Sample
from fireline.people.models import Person
from fireline.quarantine import staff
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


def _own(frame: Frame) -> list[int]:
    """The facilities the reader works at (none: an empty section, not every facility)."""
    return staff.facilities_of(frame.session, frame.actor)


def _at_own(frame: Frame, *, or_unplaced: bool = False) -> ColumnElement[bool]:
    """Orders held at the reader's facilities; ``or_unplaced`` adds the facility orders
    placed in none yet, which a facility user may admit (``staff.may_operate``)."""
    own = _own(frame)
    if not own:
        return false()
    held = Q.facility_id.in_(own)
    return or_(held, Q.facility_id.is_(None)) if or_unplaced else held


def _people_in_facilities(
    frame: Frame, key: str, href: str, *conditions: ColumnElement[bool]
) -> Section:
    """Active facility orders meeting ``conditions``, with the person and the facility;
    ``href`` is the page of an order where the work is done."""
    statement = frame.actor.restrict(
        select(Q.id, Q.person_id, Person.name, Person.phone, Q.purpose, Q.start_date, Q.end_date)
        .add_columns(F.name)
        .join(Person, Person.id == Q.person_id)
        .outerjoin(F, F.id == Q.facility_id)
        .where(Q.status == "active", Q.kind == "facility", *conditions),
        Q,
    )
    day_column = Q.start_date if key == "arrivals" else Q.end_date
    rows, total = paged(frame, statement.order_by(day_column, Q.id))
    items = [
        WorkItem(
            id=r[0],
            href=href.format(id=r[0]),
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
    """People ordered into the reader's facilities (or into none yet) and not admitted:
    no room, period not over; soonest start first. Admission is placing the person in a
    room, on the order page."""
    return _people_in_facilities(
        frame,
        "arrivals",
        "/quarantine/orders/{id}",
        _at_own(frame, or_unplaced=True),
        Q.room_id.is_(None),
        Q.end_date >= frame.day,
    )


def releases_due(frame: Frame) -> Section:
    """People at the reader's facilities whose quarantine ends today or ended already (the
    completion run closes them after midnight: quarantine/jobs.py), earliest end first;
    each opens the release review, where the evidence is read and a reason given."""
    return _people_in_facilities(
        frame,
        "releases_due",
        "/quarantine/orders/{id}/release",
        _at_own(frame),
        Q.purpose == "quarantine",
        Q.end_date <= frame.day,
    )


def rooms(frame: Frame) -> Section:
    """The reader's open facilities with their beds and how many are taken today (the
    occupancy rule of quarantine/facilities.py), fullest first. Names no person."""
    capacity = (
        select(FacilityRoom.facility_id, func.sum(FacilityRoom.capacity).label("beds"))
        .group_by(FacilityRoom.facility_id)
        .subquery()
    )
    mine = frame.actor.restrict(select(F.id).where(F.id.in_(_own(frame))), F)
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
        .where(F.active.is_(True), F.id.in_(mine)),
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
