"""A campaign's figures: covered, sampled, resulted, positive pools, positives, by site and
hour; the tests used against individual testing; the current round's progress and the
closed rounds. Grouped counts in SQL, never per pool. The board is what the dashboard
page shows around them: the campaign's sites, its jurisdiction and its risk zone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from fireline.analytics.pooling import Design, choose_pool_size
from fireline.auth.scope import Actor
from fireline.places.models import Jurisdiction
from fireline.testing.pooling import rounds
from fireline.testing.pooling.campaigns import get_campaign
from fireline.testing.pooling.models import (
    Pool,
    PoolMember,
    PoolResult,
    RetestOrder,
    ScreeningCampaign,
    ScreeningSite,
)
from fireline.testing.pooling.scanning import sites_of
from fireline.testing.pooling.schemas import (
    CampaignRead,
    Dashboard,
    HourFigures,
    RoundRead,
    SiteFigures,
)
from fireline.zones.models import Zone


def _by_site(session: Session, campaign: ScreeningCampaign) -> list[SiteFigures]:
    positive = cast(PoolResult.outcome == "positive", Integer)
    statement = (
        select(
            ScreeningSite.code,
            func.count(Pool.id),
            func.coalesce(func.sum(Pool.size), 0),
            func.count(PoolResult.id),
            func.coalesce(func.sum(positive), 0),
        )
        .join(Pool, Pool.site_id == ScreeningSite.id, isouter=True)
        .join(PoolResult, PoolResult.pool_id == Pool.id, isouter=True)
        .where(ScreeningSite.campaign_id == campaign.id)
        .group_by(ScreeningSite.code)
        .order_by(ScreeningSite.code)
    )
    return [
        SiteFigures(site=s, pools=p, sampled=int(n), resulted_pools=r, positive_pools=int(x))
        for s, p, n, r, x in session.execute(statement)
    ]


def _by_hour(session: Session, campaign: ScreeningCampaign) -> list[HourFigures]:
    pools = session.execute(
        select(Pool.collected_at, Pool.size).where(
            Pool.campaign_id == campaign.id, Pool.axis != "col"
        )
    ).all()
    hours: dict[str, list[int]] = {}
    for at, size in pools:
        key = at.strftime("%Y-%m-%d %H:00")
        hours.setdefault(key, [0, 0])
        hours[key][0] += 1
        hours[key][1] += size
    return [HourFigures(hour=h, pools=v[0], sampled=v[1]) for h, v in sorted(hours.items())]


def dashboard(session: Session, actor: Actor, campaign_id: int) -> Dashboard:
    campaign = get_campaign(session, actor, campaign_id)
    sampled = int(
        session.scalar(
            select(func.count(func.distinct(PoolMember.person_id))).where(
                PoolMember.campaign_id == campaign.id
            )
        )
        or 0
    )
    pools = session.execute(
        select(
            func.count(Pool.id),
            func.count(PoolResult.id),
            func.coalesce(func.sum(case((PoolResult.outcome == "positive", 1), else_=0)), 0),
        )
        .join(PoolResult, PoolResult.pool_id == Pool.id, isouter=True)
        .where(Pool.campaign_id == campaign.id)
    ).one()
    retests = session.execute(
        select(
            func.count(RetestOrder.id),
            func.coalesce(func.sum(case((RetestOrder.status == "open", 1), else_=0)), 0),
            func.coalesce(func.sum(case((RetestOrder.status == "positive", 1), else_=0)), 0),
        ).where(RetestOrder.campaign_id == campaign.id)
    ).one()
    design: Design = "matrix" if campaign.design == "matrix" else "dorfman"
    choice = choose_pool_size(
        campaign.prevalence or 0.0, max(campaign.pool_size, 1), design, campaign.pool_size
    )
    used = int(pools[0]) + int(retests[0])
    return Dashboard(
        campaign=CampaignRead.model_validate(campaign),
        population=campaign.population,
        sampled=sampled,
        pools=int(pools[0]),
        resulted_pools=int(pools[1]),
        positive_pools=int(pools[2]),
        retests=int(retests[0]),
        retests_open=int(retests[1]),
        positives=int(retests[2]),
        tests_used=used,
        tests_saved=max(sampled - used, 0),
        expected_tests_per_person=round(choice.tests_per_person, 4),
        by_site=_by_site(session, campaign),
        by_hour=_by_hour(session, campaign),
        round=rounds.progress(session, campaign),
        rounds=[RoundRead.model_validate(r) for r in rounds.closed_rounds(session, campaign)],
    )


@dataclass(frozen=True)
class Board:
    """A campaign's dashboard figures with what the page names around them."""

    figures: Dashboard
    campaign: ScreeningCampaign
    sites: dict[str, ScreeningSite]  # by code
    place: Jurisdiction
    zone: Zone | None  # the risk zone a zone campaign screens


def board(session: Session, actor: Actor, campaign_id: int) -> Board:
    """The campaign in scope (404 otherwise) with its figures, sites, place and zone."""
    figures = dashboard(session, actor, campaign_id)
    campaign = get_campaign(session, actor, campaign_id)
    sites = {s.code: s for s in sites_of(session, campaign)}
    zone = session.get(Zone, campaign.zone_id) if campaign.zone_id else None
    place = session.get_one(Jurisdiction, campaign.jurisdiction_id)
    return Board(figures, campaign, sites, place, zone)
