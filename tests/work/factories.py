"""One county's day of work, on a fixed clock: cases (one with the playbook's clock), proposed
and active orders, a lab positive with its conversion proposal, samples, a screening
hold, two facilities with rooms (the facility user works at one), an alert and overdue
response tasks, written through the mechanisms' factories and the response sweep."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.diseases import load_profiles
from fireline.lab.models import LabResult, Sample
from fireline.places.models import Jurisdiction
from fireline.quarantine import facilities, staff
from fireline.quarantine.models import FacilityRoom, QuarantineOrder
from fireline.quarantine.positives.models import ConversionProposal
from fireline.quarantine.schemas import FacilityCreate, RoomIn
from fireline.response.service import sweep
from fireline.testing.pooling.models import Pool, RetestOrder, ScreeningCampaign, ScreeningSite
from fireline.tracing.models import Interview
from tests.people.factories import make_person
from tests.response.factories import add_case, add_order, settings
from tests.surveillance.signals.factories import make_alert

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 08:00 in Asia/Shanghai: cases confirmed
NOW = T0 + timedelta(hours=3)  # the clock of every test: 2-hour tasks are overdue
DAY = date(2026, 3, 2)  # today in Asia/Shanghai


@dataclass
class County:
    """What one county's world holds, by what each section should show."""

    place: Jurisdiction
    to_interview: list[int] = field(default_factory=list)  # case ids, in the expected order
    proposals: list[int] = field(default_factory=list)
    silent: list[int] = field(default_factory=list)  # orders not reporting
    reported: list[int] = field(default_factory=list)  # orders that reported today
    positives: list[int] = field(default_factory=list)  # open proposals, mine or no one's
    positive_orders: list[int] = field(default_factory=list)
    samples_waiting: list[int] = field(default_factory=list)
    holds: list[int] = field(default_factory=list)
    arrivals: list[int] = field(default_factory=list)
    releases: list[int] = field(default_factory=list)
    facility_id: int = 0  # where the county's facility user works
    elsewhere: list[int] = field(default_factory=list)  # orders of the county's other hotel
    alerts: list[int] = field(default_factory=list)


def _order(
    session: Session, place: Jurisdiction, name: str, *, entered: datetime, **values: object
) -> QuarantineOrder:
    person = make_person(session, place, name)
    order = add_order(session, person.id, place.id, start=DAY - timedelta(days=2), entered=entered)
    for key, value in values.items():
        setattr(order, key, value)
    session.flush()
    return order


def _cases(session: Session, county: County, prefix: str) -> None:
    place = county.place
    clocked = add_case(
        session, place, entered=T0, person=make_person(session, place, f"{prefix} Clocked")
    )
    fresh = add_case(
        session,
        place,
        entered=NOW - timedelta(hours=1),
        classification="suspected",
        person=make_person(session, place, f"{prefix} Suspect"),
    )
    done = add_case(
        session, place, entered=T0, person=make_person(session, place, f"{prefix} Done")
    )
    session.add(Interview(case_id=done.id, jurisdiction_id=place.id, status="completed"))
    add_case(session, place, entered=T0, classification="discarded")
    add_case(
        session, place, entered=T0, classification="suspected", reported=DAY - timedelta(days=30)
    )
    county.to_interview += [clocked.id, fresh.id]


def _orders(session: Session, county: County, prefix: str) -> None:
    place = county.place
    waiting = _order(session, place, f"{prefix} Proposed", entered=NOW - timedelta(hours=5))
    waiting.status = "proposed"
    county.proposals.append(waiting.id)
    _order(session, place, f"{prefix} Caller", entered=NOW - timedelta(hours=2))
    silent = _order(session, place, f"{prefix} Silent", entered=NOW - timedelta(hours=30))
    county.silent.append(silent.id)
    done = _order(
        session,
        place,
        f"{prefix} Reported",
        entered=NOW - timedelta(hours=30),
        last_report_on=DAY,
        last_report_at=NOW - timedelta(hours=1),
    )
    county.reported.append(done.id)
    positive = _order(session, place, f"{prefix} Positive", entered=NOW - timedelta(hours=2))
    county.positive_orders.append(positive.id)
    county.positives.append(_proposal(session, positive).id)
    _result(session, place, done.person_id, "negative", received=True)
    session.flush()


def _result(
    session: Session, place: Jurisdiction, person_id: int, outcome: str | None, *, received: bool
) -> Sample:
    sample = Sample(
        barcode=f"{place.code}-{person_id}-{outcome}-{int(received)}",
        person_id=person_id,
        disease="covid19",
        sample_type="swab",
        collected_at=NOW - timedelta(hours=2),
        received_at=NOW - timedelta(hours=1) if received else None,
        jurisdiction_id=place.id,
    )
    session.add(sample)
    session.flush()
    if outcome is not None:
        session.add(
            LabResult(
                sample_id=sample.id,
                test_type="pcr",
                outcome=outcome,
                resulted_at=NOW - timedelta(minutes=30),
                jurisdiction_id=place.id,
            )
        )
        session.flush()
    return sample


def _proposal(session: Session, order: QuarantineOrder) -> ConversionProposal:
    """A positive result for the person under ``order`` and the lab's proposal to convert
    it (the row testing/positive.py writes), addressed to no one: every investigator's."""
    place = session.get(Jurisdiction, order.jurisdiction_id)
    assert place is not None
    sample = _result(session, place, order.person_id, "positive", received=True)
    result = session.scalars(select(LabResult).where(LabResult.sample_id == sample.id)).one()
    proposal = ConversionProposal(
        order_id=order.id,
        person_id=order.person_id,
        result_id=result.id,
        disease="covid19",
        jurisdiction_id=order.jurisdiction_id,
        created_at=NOW - timedelta(minutes=20),
        updated_at=NOW - timedelta(minutes=20),
    )
    session.add(proposal)
    session.flush()
    return proposal


def _lab(session: Session, county: County, prefix: str) -> None:
    place = county.place
    person = make_person(session, place, f"{prefix} Sampled")
    county.samples_waiting.append(_result(session, place, person.id, None, received=True).id)
    _result(session, place, person.id, None, received=False)  # not at the lab yet
    campaign = ScreeningCampaign(
        name=f"{prefix} campaign",
        disease="covid19",
        target_kind="jurisdiction",
        pool_size=5,
        starts_on=DAY,
        jurisdiction_id=place.id,
    )
    session.add(campaign)
    session.flush()
    site = ScreeningSite(campaign_id=campaign.id, code="S1", name="Gym", jurisdiction_id=place.id)
    session.add(site)
    session.flush()
    pool = Pool(
        barcode=f"{place.code}-pool",
        campaign_id=campaign.id,
        site_id=site.id,
        round_no=1,
        size=5,
        collected_at=NOW - timedelta(hours=4),
        jurisdiction_id=place.id,
    )
    session.add(pool)
    held = make_person(session, place, f"{prefix} Held")
    sample = _result(session, place, held.id, None, received=False)
    session.flush()
    for status in ("open", "negative"):
        retest = RetestOrder(
            campaign_id=campaign.id,
            round_no=1 if status == "open" else 2,
            pool_id=pool.id,
            person_id=held.id,
            sample_id=sample.id,
            status=status,
            jurisdiction_id=place.id,
        )
        session.add(retest)
        session.flush()
        if status == "open":
            county.holds.append(retest.id)


def _hotel(session: Session, place: Jurisdiction, name: str) -> tuple[int, list[int]]:
    facility = facilities.create_facility(
        session,
        system_actor(),
        FacilityCreate(
            name=name,
            jurisdiction_code=place.code,
            rooms=[RoomIn(code="1", capacity=2), RoomIn(code="2", capacity=1)],
        ),
    )
    rooms = session.scalars(select(FacilityRoom.id).where(FacilityRoom.facility_id == facility.id))
    return facility.id, sorted(rooms)


def _facility(session: Session, county: County, prefix: str) -> None:
    """The hotel the county's facility user works at (an arrival, a guest staying, one
    leaving today), a person ordered into no facility yet (an arrival any facility user of
    the county may admit), and another hotel with its own arrival and leaver."""
    place = county.place
    county.facility_id, rooms = _hotel(session, place, f"{prefix} Hotel")
    at = {"kind": "facility", "facility_id": county.facility_id}
    unplaced = _order(session, place, f"{prefix} Unplaced", entered=NOW, kind="facility")
    arriving = _order(session, place, f"{prefix} Arriving", entered=NOW, **at, start_date=DAY)
    county.arrivals += [unplaced.id, arriving.id]
    _order(session, place, f"{prefix} Staying", entered=NOW, **at, room_id=rooms[0])
    leaving = _order(
        session, place, f"{prefix} Leaving", entered=NOW, **at, room_id=rooms[1], end_date=DAY
    )
    county.releases.append(leaving.id)
    other, beds = _hotel(session, place, f"{prefix} Other Hotel")
    there = {"kind": "facility", "facility_id": other}
    county.elsewhere += [
        _order(session, place, f"{prefix} Away", entered=NOW, **there, start_date=DAY).id,
        _order(
            session, place, f"{prefix} Gone", entered=NOW, **there, room_id=beds[0], end_date=DAY
        ).id,
    ]


def works_at(session: Session, county: County, user_id: int) -> None:
    """Tie the county's facility user to its hotel (``fireline quarantine staff``)."""
    staff.assign(session, system_actor(), user_id=user_id, facility_id=county.facility_id)
    session.commit()


def county_day(session: Session, place: Jurisdiction, prefix: str) -> County:
    """One county's records (names start with ``prefix``); call :func:`swept` after."""
    county = County(place)
    _cases(session, county, prefix)
    _orders(session, county, prefix)
    _lab(session, county, prefix)
    _facility(session, county, prefix)
    county.alerts.append(make_alert(session, place, DAY).id)
    dismissed = make_alert(session, place, DAY - timedelta(days=1))
    dismissed.status = "dismissed"
    session.flush()
    return county


def swept(session: Session) -> None:
    """The response sweep at NOW: COVID-19's playbook opens a response per confirmed case,
    its tasks counted from the confirmation at T0, so the 2-hour ones are overdue."""
    covid = {"covid19": load_profiles()["covid19"]}  # the cases' only disease: a faster sweep
    sweep(session, NOW, profiles=covid, settings=settings())
    session.commit()
