"""The demo's screening campaign over the seed county: pools, positives, holds, retests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.demo.service import demo_context, load_demo
from fireline.quarantine.models import QuarantineOrder
from fireline.testing.pooling.models import Pool, PoolResult, RetestOrder, ScreeningCampaign


def test_the_demo_screens_the_seed_county(session: Session) -> None:
    load_demo(session, demo_context(date(2026, 11, 28)), cases=200, seed=3)
    campaign = session.scalars(select(ScreeningCampaign)).one()
    assert campaign.pool_size == 10 and campaign.chosen_by == "optimum"
    pools = session.scalar(select(func.count(Pool.id))) or 0
    assert pools > 0 and session.scalar(select(func.count(PoolResult.id))) == pools
    positive = session.scalar(select(func.count()).where(PoolResult.outcome == "positive"))
    assert positive == 3
    statuses = dict(
        session.execute(select(RetestOrder.status, func.count()).group_by(RetestOrder.status))
        .tuples()
        .all()
    )
    assert statuses["open"] > 0 and statuses["negative"] > 0 and statuses["positive"] == 1
    screening = QuarantineOrder.source == "screening"
    holds = dict(
        session.execute(
            select(QuarantineOrder.status, func.count())
            .where(screening)
            .group_by(QuarantineOrder.status)
        )
        .tuples()
        .all()
    )
    # a positive retest's hold waits, active, for the investigator to convert it
    waiting = statuses["open"] + statuses["positive"]
    assert holds["active"] == waiting and holds["released"] == statuses["negative"]
