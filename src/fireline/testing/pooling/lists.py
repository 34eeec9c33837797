"""The screening lists the pages and the API share: campaigns, and a campaign's retest
orders with the members of positive pools behind them.

Reads go through the context's actor, narrowed to the jurisdiction asked for. The
members' names are personal data: read with ``persons:read`` only, audited here, once.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.analytics.pooling import DESIGNS
from fireline.auth import audit
from fireline.context import Context
from fireline.lab.models import Sample
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.testing.pooling.campaigns import get_campaign
from fireline.testing.pooling.models import (
    RETEST_STATUSES,
    TARGET_KINDS,
    Pool,
    RetestOrder,
    ScreeningCampaign,
)

CAMPAIGN_LIST: Final = ListSpec(
    sorts={
        "starts": (ScreeningCampaign.starts_on, ScreeningCampaign.id),
        "name": (ScreeningCampaign.name, ScreeningCampaign.id),
        "created": (ScreeningCampaign.id,),
    },
    default_sort="starts",
    filters={
        "disease": lambda v: ScreeningCampaign.disease == v,
        "status": lambda v: ScreeningCampaign.status == v,
        "target_kind": lambda v: ScreeningCampaign.target_kind == v if v in TARGET_KINDS else None,
        "design": lambda v: ScreeningCampaign.design == v if v in DESIGNS else None,
    },
    search=lambda text: [ScreeningCampaign.name.contains(text, autoescape=True)],
)

RETEST_LIST: Final = ListSpec(
    sorts={"ordered": (RetestOrder.id,), "status": (RetestOrder.status, RetestOrder.id)},
    default_sort="ordered",
    filters={"status": lambda v: RetestOrder.status == v if v in RETEST_STATUSES else None},
)


class CampaignRow(NamedTuple):
    campaign: ScreeningCampaign
    place: Jurisdiction


def list_campaigns(
    session: Session, context: Context, query: ListQuery
) -> tuple[list[CampaignRow], int]:
    """Campaigns in the context's scope with their jurisdictions, latest start first by
    default (names no person)."""
    actor = context.actor
    actor.require("records:read")
    statement = actor.restrict(
        select(ScreeningCampaign, Jurisdiction).join(
            Jurisdiction, Jurisdiction.id == ScreeningCampaign.jurisdiction_id
        ),
        ScreeningCampaign,
    )
    found, total = search_filter_sort_paginate(
        session, statement, CAMPAIGN_LIST, query, scalars=False
    )
    return [CampaignRow(c, j) for c, j in found], total


class RetestRow(NamedTuple):
    order: RetestOrder
    person: Person | None  # None for roles without persons:read
    sample: Sample
    pool: Pool
    hold: QuarantineOrder | None


def list_retests(
    session: Session, context: Context, campaign_id: int, query: ListQuery
) -> tuple[list[RetestRow], int]:
    """The campaign's retest orders in scope (newest first by default), each with the member,
    the sample, the positive pool and the hold; the read is audited with the persons named."""
    actor = context.actor
    campaign = get_campaign(session, actor, campaign_id)
    named = actor.can("persons:read")
    statement = actor.restrict(
        select(RetestOrder, Person, Sample, Pool, QuarantineOrder)
        .join(Person, Person.id == RetestOrder.person_id)
        .join(Sample, Sample.id == RetestOrder.sample_id)
        .join(Pool, Pool.id == RetestOrder.pool_id)
        .outerjoin(QuarantineOrder, QuarantineOrder.id == RetestOrder.hold_order_id)
        .where(RetestOrder.campaign_id == campaign.id),
        RetestOrder,
    )
    found, total = search_filter_sort_paginate(
        session, statement, RETEST_LIST, query, scalars=False
    )
    rows = [RetestRow(o, p if named else None, s, pool, hold) for o, p, s, pool, hold in found]
    audit.record(
        session,
        actor,
        "read",
        "retest_order",
        [row.order.id for row in rows],
        jurisdiction_id=campaign.jurisdiction_id,
        persons=[row.person.id for row in rows if row.person is not None],
    )
    return rows, total
