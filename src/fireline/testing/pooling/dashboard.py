"""A campaign's figures: covered, sampled, resulted, positive pools, positives, by site and
hour; the tests used against individual testing; the current round's progress and the
closed rounds. Grouped counts in SQL, never per pool. The board is what the dashboard
page shows around them: the campaign's sites, its jurisdiction and its risk zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from fireline.analytics.pooling import Design, choose_pool_size
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.db.sqlfn import hour_of
from fireline.places.models import Jurisdiction
from fireline.snapshots import service as snapshots
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

KIND = "campaign"


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
    """Pools and tubes per hour of collection (UTC, as stored), grouped by the database:
    a city's campaign has millions of pools."""
    hour = hour_of(Pool.collected_at)
    statement = (
        select(hour, func.count(), func.coalesce(func.sum(Pool.size), 0))
        .where(Pool.campaign_id == campaign.id, Pool.axis != "col")
        .group_by(hour)
        .order_by(hour)
    )
    return [HourFigures(hour=h, pools=n, sampled=int(k)) for h, n, k in session.execute(statement)]


def dashboard(
    session: Session, actor: Actor, campaign_id: int, context: Context | None = None
) -> Dashboard:
    """The campaign's figures; with a ``context``, remembered when slow to make (a city's
    campaign of millions of tubes) and told as of when, else live."""
    campaign = get_campaign(session, actor, campaign_id)
    if context is None:
        return _figures(session, campaign)
    found = snapshots.remembered(
        session,
        KIND,
        str(campaign.id),
        context.now(),
        lambda: _figures(session, campaign),
        lambda figures: figures.model_dump(mode="json"),
        Dashboard.model_validate,
        context.settings.snapshot_after_s,
    )
    live = CampaignRead.model_validate(campaign)
    return found.value.model_copy(update={"campaign": live, "as_of": found.as_of})


def refresh(session: Session, context: Context) -> int:
    """Recompute the dashboards read lately and about to age, then make those of the
    active campaigns not made yet (each stored only if slow). Returns how many."""

    def maker(key: str) -> Callable[[], dict[str, Any]] | None:
        campaign = session.get(ScreeningCampaign, int(key))
        return None if campaign is None else partial(_encoded, session, campaign)

    slow_s = context.settings.snapshot_after_s
    done = snapshots.refresh_read(session, KIND, context.now(), slow_s, maker)
    active = session.scalars(
        select(ScreeningCampaign.id).where(ScreeningCampaign.status == "active")
    ).all()
    for campaign_id in active:
        if not snapshots.stored(session, KIND, str(campaign_id)):
            dashboard(session, context.actor, campaign_id, context)
            done += 1
    return done


def _encoded(session: Session, campaign: ScreeningCampaign) -> dict[str, Any]:
    return _figures(session, campaign).model_dump(mode="json")


def _figures(session: Session, campaign: ScreeningCampaign) -> Dashboard:
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


def board(
    session: Session, actor: Actor, campaign_id: int, context: Context | None = None
) -> Board:
    """The campaign in scope (404 otherwise) with its figures (remembered with a
    ``context``, see :func:`dashboard`), sites, place and zone."""
    figures = dashboard(session, actor, campaign_id, context)
    campaign = get_campaign(session, actor, campaign_id)
    sites = {s.code: s for s in sites_of(session, campaign)}
    zone = session.get(Zone, campaign.zone_id) if campaign.zone_id else None
    place = session.get_one(Jurisdiction, campaign.jurisdiction_id)
    return Board(figures, campaign, sites, place, zone)
