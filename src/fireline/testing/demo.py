"""The demo's screening campaign: one round over the seed county, pools of 10 of its
residents at three sites, a few positive pools decoded to holds and single retests, some
retests resulted. Bulk rows through the ORM's executemany, then the real intake paths
(``ingest_rows`` for pool results, ``results.ingest`` for retests), so it stays fast."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.lab.models import Sample
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.settings import Settings
from fireline.surveillance.models import Case
from fireline.testing.pooling import campaigns
from fireline.testing.pooling.ingest import ingest_rows, rows_table
from fireline.testing.pooling.models import (
    Pool,
    PoolMember,
    RetestOrder,
    ScreeningCampaign,
    ScreeningSite,
)
from fireline.testing.pooling.schemas import CampaignCreate, SiteCreate
from fireline.testing.results import Incoming, ingest
from fireline.testing.schemas import ResultCreate

COUNTY: Final = "330102"
POOLS: Final = 200
SIZE: Final = 10
POSITIVE_POOLS: Final = 3
SWAB_TO_RESULT: Final = timedelta(hours=5)  # the last tube to the pool results
SITES: Final = (
    ("S1", "Hubin community centre", 600),
    ("S2", "Qingbo school gym", 450),
    ("S3", "Wangjiang market square", 300),
)


def _campaign(session: Session, context: Context, day: date) -> ScreeningCampaign:
    actor = context.actor
    made = campaigns.create_campaign(
        session,
        context,
        CampaignCreate(
            name="Shangcheng screening, round 1",
            disease="covid19",
            jurisdiction_code=COUNTY,
            prevalence=0.0005,
            starts_on=day,
            hold_days=3,
        ),
    )
    for code, name, capacity in SITES:
        campaigns.add_site(
            session, actor, made.id, SiteCreate(code=code, name=name, capacity_per_hour=capacity)
        )
    return made


def _collected(day: date, pool: int, until: datetime) -> datetime:
    """Tubes from 08:00 local time to 16:00 or ``until`` if earlier, spread over the pools."""
    local = datetime.combine(day, time(8), ZoneInfo("Asia/Shanghai"))
    minutes = min(480.0, (until - local).total_seconds() / 60)
    return (local + timedelta(minutes=pool * minutes / POOLS)).astimezone(UTC)


def screening_day(today: date, now: datetime) -> date:
    """Today when two hours of swabbing (from 08:00 local) fit before the pool results
    came in (``now`` less ``SWAB_TO_RESULT``), else yesterday: no tube after ``now``."""
    start = datetime.combine(today, time(8), ZoneInfo("Asia/Shanghai"))
    enough = start + timedelta(hours=2) <= now - SWAB_TO_RESULT
    return today if enough else today - timedelta(days=1)


def _register(
    session: Session, campaign: ScreeningCampaign, persons: list[int], day: date, now: datetime
) -> None:
    sites = session.scalars(
        select(ScreeningSite.id)
        .where(ScreeningSite.campaign_id == campaign.id)
        .order_by(ScreeningSite.code)
    ).all()
    samples = [
        Sample(
            barcode=f"DM{campaign.id}-{i:06d}",
            person_id=p,
            disease="covid19",
            sample_type="oropharyngeal_swab",
            collected_at=_collected(day, i // SIZE, now - SWAB_TO_RESULT),
            site=f"S{(i // SIZE) % len(SITES) + 1}",
            lab="Hangzhou CDC lab",
            jurisdiction_id=campaign.jurisdiction_id,
        )
        for i, p in enumerate(persons)
    ]
    session.add_all(samples)
    pools = [
        Pool(
            barcode=f"DP{campaign.id}-{n:05d}",
            campaign_id=campaign.id,
            site_id=sites[n % len(sites)],
            round_no=1,
            axis="pool",
            size=SIZE,
            collected_at=_collected(day, n, now - SWAB_TO_RESULT),
            jurisdiction_id=campaign.jurisdiction_id,
        )
        for n in range(len(persons) // SIZE)
    ]
    session.add_all(pools)
    session.flush()
    session.add_all(
        PoolMember(
            pool_id=pools[i // SIZE].id,
            sample_id=s.id,
            person_id=s.person_id,
            campaign_id=campaign.id,
            round_no=1,
            axis="pool",
            jurisdiction_id=campaign.jurisdiction_id,
        )
        for i, s in enumerate(samples)
    )
    session.flush()


def _positive_pools(session: Session, campaign: ScreeningCampaign) -> set[str]:
    """Tubes holding someone the outbreak infected (screening finds known infections), else
    the first few: the demo's case count stays the outbreak's."""
    infected = select(Case.person_id).where(
        Case.disease == campaign.disease, Case.classification != "discarded"
    )
    statement = (
        select(Pool.barcode)
        .join(PoolMember, PoolMember.pool_id == Pool.id)
        .where(Pool.campaign_id == campaign.id, PoolMember.person_id.in_(infected))
        .distinct()
        .order_by(Pool.barcode)
        .limit(POSITIVE_POOLS)
    )
    found = session.scalars(statement).all()
    return set(found) or {f"DP{campaign.id}-{n:05d}" for n in range(POSITIVE_POOLS)}


def _pool_results(session: Session, campaign: ScreeningCampaign, now: datetime, pools: int) -> None:
    positive = _positive_pools(session, campaign)
    rows: list[dict[str, object]] = [
        {
            "barcode": f"DP{campaign.id}-{n:05d}",
            "outcome": "positive" if f"DP{campaign.id}-{n:05d}" in positive else "negative",
            "ct_value": 29.5 + n % 5 if f"DP{campaign.id}-{n:05d}" in positive else None,
            "resulted_at": now - timedelta(hours=4),
            "external_id": None,
        }
        for n in range(pools)
    ]
    table: pa.Table = rows_table(rows)
    ingest_rows(session, system_actor(), table, batch="demo-round-1", now=now - timedelta(hours=3))


def _retest_results(session: Session, context: Context, campaign: ScreeningCampaign) -> None:
    """Results for two thirds of the retests: the infected positive, the rest negative."""
    has_case = (Case.person_id == RetestOrder.person_id) & (Case.classification != "discarded")
    orders = session.execute(
        select(RetestOrder.id, Sample.barcode)
        .join(Sample, Sample.id == RetestOrder.sample_id)
        .where(RetestOrder.campaign_id == campaign.id)
        .order_by(select(Case.id).where(has_case).exists().desc(), RetestOrder.id)
    ).all()
    resulted = context.now() - timedelta(hours=1)
    items = [
        Incoming(
            f"results[{i}]",
            ResultCreate(
                barcode=barcode,
                disease="covid19",
                outcome="positive" if i == 0 else "negative",
                resulted_at=resulted,
                code_system="http://loinc.org",
                code="94500-6",
                external_id=f"demo-retest-{order_id}",
                ct_value=27.8 if i == 0 else None,
            ),
        )
        for i, (order_id, barcode) in enumerate(orders[: len(orders) * 2 // 3])
    ]
    if items:
        ingest(
            session,
            context,
            source="demo-lab",
            message_id="demo-retests-1",
            fmt="api",
            content=b"demo-retests-1",
            items=items,
        )


def add_screening(
    session: Session, today: date, now: datetime, settings: Settings | None = None
) -> int:
    """The demo campaign over the seed county; returns the number of pool tubes.

    Swabbing is today, or yesterday when too little of today has passed
    (``screening_day``); results come in at 20:00 that day, or by ``now``. Diseases
    are those of ``settings`` (default: the environment's)."""
    county = session.scalars(select(Jurisdiction).where(Jurisdiction.code == COUNTY)).first()
    if county is None:
        return 0
    persons = list(
        session.scalars(
            select(Person.id)
            .where(Person.jurisdiction_id == county.id, Person.merged_into_id.is_(None))
            .order_by(Person.id)
            .limit(POOLS * SIZE)
        )
    )
    persons = persons[: len(persons) // SIZE * SIZE]
    if not persons:
        return 0
    day = screening_day(today, now)
    evening = datetime.combine(day, time(20), ZoneInfo(county.timezone)).astimezone(UTC)
    now = min(evening, now)
    context = Context.for_system(settings or Settings(), FrozenClock(now))
    campaign = _campaign(session, context, day)
    _register(session, campaign, persons, day, now)
    _pool_results(session, campaign, now, len(persons) // SIZE)
    _retest_results(session, context, campaign)
    return len(persons) // SIZE
