"""The demo's quarantine, isolation, care and zones, after the simulated outbreak is loaded.

The simulator writes bare orders (person, contact, dates); this fills them from their
contacts, leaves the newest few of the seed county in the queue of proposed orders (as
tracing leaves a listed contact's order until someone confirms it), adds ten days of
follow-up reports (a few missed, a few symptomatic), isolates the recent confirmed cases
(a few ready for release review), opens a quarantine facility in the seed county, and
hands over to care (hospitals, admissions) and zones. Every bulk step is one set-based
statement per day, so ``fireline demo`` stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    case,
    false,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from fireline.auth.models import User
from fireline.auth.scope import system_actor
from fireline.context import Context
from fireline.db.sqlfn import add_hours
from fireline.diseases.schemas import DiseaseProfile
from fireline.lab.models import LabResult, Sample
from fireline.places.models import Jurisdiction, subtree_ids
from fireline.quarantine import facilities, plans, staff
from fireline.quarantine.models import FacilityRoom, FollowUp, QuarantineOrder
from fireline.quarantine.schemas import FacilityCreate, RoomIn
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact

Q = QuarantineOrder
ZONE: Final = ZoneInfo("Asia/Shanghai")
HISTORY_DAYS: Final = 10
ISOLATION_DAYS: Final = 21  # confirmed cases reported in the last three weeks are isolated
READY_FOR_REVIEW: Final = 5
ROOMS: Final = 30
PROPOSALS: Final = 6  # the seed county's newest contact orders wait for a decision


def fill_orders(session: Session, profiles: Mapping[str, DiseaseProfile]) -> None:
    """Disease, category, last exposure from each order's contact (one UPDATE ... FROM the
    contacts and their cases: three correlated subqueries per order took minutes at
    650,000 orders on PostgreSQL), then the test days of each (disease, category) rule."""
    session.execute(
        update(Q)
        .where(Q.contact_id == Contact.id, Contact.case_id == Case.id, Q.disease.is_(None))
        .values(
            disease=Case.disease,
            category=Contact.category,
            last_exposure=Contact.date_last_exposure,
        )
        .execution_options(synchronize_session=False)
    )
    rules = [
        (profile.code, category.code, plans.test_mask(category.test_days))
        for profile in profiles.values()
        for category in profile.contact_categories
    ]
    if rules:  # one pass over the orders, not one per rule
        session.execute(
            update(Q)
            .where(tuple_(Q.disease, Q.category).in_([(d, c) for d, c, _ in rules]))
            .values(
                test_mask=case(*(((Q.disease == d) & (Q.category == c), m) for d, c, m in rules))
            )
            .execution_options(synchronize_session=False)
        )


ISSUE_HOURS: Final = 2.0  # a listed contact's order is issued two hours later


def date_contact_orders(session: Session, now: datetime) -> None:
    """A contact's order is entered ``ISSUE_HOURS`` after the contact was listed (or when
    listed, if that is nearer ``now``), not at the load instant: the quarantine task
    is done by it (response/evidence.py). One UPDATE ... FROM the contacts."""
    issued = add_hours(Contact.listed_at, ISSUE_HOURS)
    session.execute(
        update(Q)
        .where(Q.contact_id == Contact.id)
        .values(
            created_at=case(
                (issued < now, issued), else_=func.coalesce(Contact.listed_at, Q.created_at)
            )
        )
        .execution_options(synchronize_session=False)
    )


def leave_proposals(session: Session, county: Jurisdiction, today: date) -> int:
    """The seed county's newest contact orders still in their period go back to
    ``proposed``, proposed when their contact was listed (at the tail of the wave the
    newest may be a few days old); called before the follow-ups and the rooms, which are
    for active orders only."""
    newest = list(
        session.scalars(
            select(Q.id)
            .where(
                Q.status == "active",
                Q.purpose == "quarantine",
                Q.contact_id.is_not(None),
                Q.end_date >= today,
                Q.jurisdiction_id.in_(subtree_ids(county.path)),
            )
            .order_by(Q.start_date.desc(), Q.id.desc())
            .limit(PROPOSALS)
        )
    )
    listed = select(Contact.listed_at).where(Contact.id == Q.contact_id).scalar_subquery()
    session.execute(
        update(Q)
        .where(Q.id.in_(newest))
        .values(status="proposed", created_at=listed)
        .execution_options(synchronize_session=False)
    )
    return len(newest)


def _json(session: Session, text: str) -> ColumnElement[Any]:
    """A JSON literal in INSERT ... SELECT: PostgreSQL needs the cast, SQLite stores text."""
    cast = "::json" if session.get_bind().dialect.name == "postgresql" else ""
    return literal_column(f"'{text}'{cast}")


def _at(day: date, now: datetime) -> datetime:
    """09:00 local on ``day``, never after ``now``."""
    return min(datetime.combine(day, time(9), ZONE).astimezone(UTC), now - timedelta(minutes=5))


COLUMNS: Final = (
    "order_id",
    "jurisdiction_id",
    "at",
    "day",
    "channel",
    "reached",
    "temperature",
    "fever",
    "symptoms",
    "symptomatic",
)


def _reports(session: Session, day: date, at: datetime, back: int, ill: bool) -> Any:
    """One day's reports of the active quarantines: ill ones with fever and cough."""
    temperature = literal(38.2) if ill else 36.3 + (Q.id % 6) * 0.1
    symptoms = _json(session, '["fever", "cough"]' if ill else "[]")
    flag = true() if ill else false()
    rows = select(
        Q.id,
        Q.jurisdiction_id,
        literal(at),
        literal(day),
        literal("self"),
        true(),
        temperature,
        flag,
        symptoms,
        flag,
    ).where(
        Q.status == "active",
        Q.purpose == "quarantine",
        Q.start_date <= day,
        Q.end_date >= day,
        (Q.id + back) % 17 != 0,
    )
    if back <= 1:
        rows = rows.where(Q.id % 29 != 0)  # stopped reporting two days ago
    if back == 0:
        rows = rows.where((Q.id % 41 == 0) if ill else (Q.id % 41 != 0))
    return rows


def add_follow_ups(session: Session, today: date, now: datetime) -> None:
    """Daily reports of the active quarantines over the last ten days: one INSERT ... SELECT
    per day. Some days are missed ((id + day) % 17), some people stopped reporting two days
    ago (id % 29), some report fever and cough today (id % 41)."""
    for back in range(HISTORY_DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        for ill in (False, True) if back == 0 else (False,):
            rows = _reports(session, day, _at(day, now), back, ill)
            session.execute(insert(FollowUp).from_select(list(COLUMNS), rows))
    _last_reports(session, today)


def _last_reports(session: Session, today: date) -> None:
    """The order's last-report columns from its follow-ups (one UPDATE)."""
    mine = FollowUp.order_id == Q.id
    last = select(FollowUp.symptomatic).where(mine).order_by(FollowUp.at.desc(), FollowUp.id.desc())
    session.execute(
        update(Q)
        .where(Q.status == "active", Q.purpose == "quarantine")
        .values(
            last_report_at=select(func.max(FollowUp.at)).where(mine).scalar_subquery(),
            last_report_on=select(func.max(FollowUp.day)).where(mine).scalar_subquery(),
            last_report_symptomatic=func.coalesce(last.limit(1).scalar_subquery(), false()),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Q)
        .where(Q.status == "active", Q.last_report_symptomatic.is_(True))
        .values(onset_date=today)
        .execution_options(synchronize_session=False)
    )


def isolate_recent_cases(session: Session, today: date) -> None:
    """An isolation order for each confirmed case reported in the last three weeks: one
    INSERT ... SELECT per report day (the end is the 60-day review horizon)."""
    from fireline.quarantine.orders import ISOLATION_HORIZON_DAYS

    columns = [
        "person_id",
        "case_id",
        "jurisdiction_id",
        "kind",
        "status",
        "purpose",
        "source",
        "disease",
        "start_date",
        "end_date",
        "test_mask",
        "last_report_symptomatic",
        "version",
    ]
    for back in range(ISOLATION_DAYS):
        day = today - timedelta(days=back)
        end = day + timedelta(days=ISOLATION_HORIZON_DAYS)
        rows = select(
            Case.person_id,
            Case.id,
            Case.jurisdiction_id,
            literal("facility"),
            literal("active"),
            literal("isolation"),
            literal("case"),
            Case.disease,
            literal(day),
            literal(end),
            literal(0),
            false(),
            literal(1),
        ).where(Case.classification == "confirmed", Case.date_reporting == day)
        session.execute(insert(Q).from_select(columns, rows))


def ready_for_review(session: Session, now: datetime) -> int:
    """The oldest isolations meet the COVID-19 release rule (NHC diagnosis plan 9: 72 h
    fever-free, symptoms improved, two negative tests 24 h apart): fever-free for four
    days, the sign-off, and two negative PCR results on samples of the last two days."""
    oldest = list(
        session.scalars(
            select(Q)
            .where(Q.purpose == "isolation", Q.status == "active", Q.disease == "covid19")
            .order_by(Q.start_date, Q.id)
            .limit(READY_FOR_REVIEW)
        )
    )
    for order in oldest:
        order.fever_free_since = now - timedelta(days=4)
        order.clinical = ["respiratory_symptoms_improved"]
        for back in (2, 1):
            taken = now - timedelta(days=back)
            sample = Sample(
                barcode=f"DEMO-REL-{order.id}-{back}",
                person_id=order.person_id,
                disease="covid19",
                sample_type="nasopharyngeal_swab",
                collected_at=taken,
                jurisdiction_id=order.jurisdiction_id,
            )
            session.add(sample)
            session.flush()
            session.add(
                LabResult(
                    sample_id=sample.id,
                    test_type="pcr",
                    outcome="negative",
                    ct_value=None,
                    resulted_at=taken + timedelta(hours=6),
                    jurisdiction_id=order.jurisdiction_id,
                )
            )
    session.flush()
    return len(oldest)


def open_facility(session: Session, county: Jurisdiction) -> None:
    """A quarantine hotel in the seed county; its rooms take the county's facility orders,
    and the demo's facility users work there."""
    made = facilities.create_facility(
        session,
        system_actor(),
        FacilityCreate(
            name="Hubin quarantine hotel",
            address="湖滨路1号",
            jurisdiction_code=county.code,
            rooms=[
                RoomIn(code=f"{100 * (n // 10 + 1) + n % 10 + 1}", capacity=2) for n in range(ROOMS)
            ],
        ),
    )
    rooms = list(
        session.scalars(
            select(FacilityRoom.id)
            .where(FacilityRoom.facility_id == made.id)
            .order_by(FacilityRoom.id)
        )
    )
    guests = list(
        session.scalars(
            select(Q.id)
            .where(
                Q.status == "active",
                Q.kind == "facility",
                Q.purpose == "quarantine",
                Q.jurisdiction_id.in_(subtree_ids(county.path)),
            )
            .order_by(Q.id)
            .limit(2 * len(rooms) - 3)
        )
    )
    # The demo's facility users (the county's and the city's) work at the hotel.
    for user in session.scalars(select(User).where(User.role == "facility")):
        if county.path.startswith(user.jurisdiction.path):
            staff.assign(session, system_actor(), user_id=user.id, facility_id=made.id)
    for n, room in enumerate(rooms):  # two guests a room, the last rooms left free
        pair = guests[2 * n : 2 * n + 2]
        if pair:
            session.execute(
                update(Q)
                .where(Q.id.in_(pair))
                .values(facility_id=made.id, room_id=room)
                .execution_options(synchronize_session=False)
            )


def add_isolation_care_zones(session: Session, context: Context, county_code: str) -> None:
    """Everything this module's docstring lists; called once by ``load_demo``."""
    from fireline.care.demo import add_hospitals
    from fireline.zones.demo import add_zones

    today, now = context.today(), context.now()
    fill_orders(session, context.profiles)
    date_contact_orders(session, now)
    county = session.scalars(select(Jurisdiction).where(Jurisdiction.code == county_code)).one()
    leave_proposals(session, county, today)
    add_follow_ups(session, today, now)
    isolate_recent_cases(session, today)
    ready_for_review(session, now)
    open_facility(session, county)
    add_hospitals(session, today, now)
    add_zones(session, county, today)
