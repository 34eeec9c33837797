"""One county's day of work, on a fixed clock: cases (one with the playbook's clock), proposed
and active orders, a lab positive, samples, a screening hold, a facility with rooms, an
alert and overdue response tasks, written through the mechanisms' factories and the
response sweep."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.diseases import load_profiles
from fireline.lab.models import LabResult, Sample
from fireline.places.models import Jurisdiction
from fireline.quarantine import facilities
from fireline.quarantine.models import FacilityRoom, QuarantineOrder
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
    positives: list[int] = field(default_factory=list)
    samples_waiting: list[int] = field(default_factory=list)
    holds: list[int] = field(default_factory=list)
    arrivals: list[int] = field(default_factory=list)
    releases: list[int] = field(default_factory=list)
    facility_id: int = 0
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
    county.positives.append(positive.id)
    _result(session, place, positive.person_id, "positive", received=True)
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


def _facility(session: Session, county: County, prefix: str) -> None:
    place = county.place
    facility = facilities.create_facility(
        session,
        system_actor(),
        FacilityCreate(
            name=f"{prefix} Hotel",
            jurisdiction_code=place.code,
            rooms=[RoomIn(code="1", capacity=2), RoomIn(code="2", capacity=1)],
        ),
    )
    county.facility_id = facility.id
    rooms = sorted(
        session.scalars(select(FacilityRoom.id).where(FacilityRoom.facility_id == facility.id))
    )
    at = {"kind": "facility", "facility_id": facility.id}
    arriving = _order(session, place, f"{prefix} Arriving", entered=NOW, **at, start_date=DAY)
    county.arrivals.append(arriving.id)
    _order(session, place, f"{prefix} Staying", entered=NOW, **at, room_id=rooms[0])
    leaving = _order(
        session, place, f"{prefix} Leaving", entered=NOW, **at, room_id=rooms[1], end_date=DAY
    )
    county.releases.append(leaving.id)


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
