"""A campaign's dashboard: covered, sampled, resulted, positive pools, positives, by site
and hour, the tests saved against individual testing; then the members of positive pools
under hold with their single-retest orders (personal data: audited, ``persons:read``)."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from fireline.auth import audit
from fireline.people.models import Person
from fireline.quarantine.models import QuarantineOrder
from fireline.testing.models import Sample
from fireline.testing.pooling.dashboard import dashboard
from fireline.testing.pooling.models import Pool, RetestOrder, ScreeningCampaign, ScreeningSite
from fireline.testing.views import common
from fireline.web.deps import Page, PageContext
from fireline.web.i18n import N_

router = APIRouter()
RETEST_STATUSES: Final = ("open", "positive", "negative", "cancelled")
DONE: Final = {"created": N_("The campaign was created.")}


def _retests(page: Page, campaign: ScreeningCampaign, status: str) -> dict[str, Any]:
    actor = common.actor_of(page)
    statement = (
        select(RetestOrder, Person, Sample, Pool, QuarantineOrder)
        .join(Person, Person.id == RetestOrder.person_id)
        .join(Sample, Sample.id == RetestOrder.sample_id)
        .join(Pool, Pool.id == RetestOrder.pool_id)
        .outerjoin(QuarantineOrder, QuarantineOrder.id == RetestOrder.hold_order_id)
        .where(RetestOrder.campaign_id == campaign.id)
    )
    if status in RETEST_STATUSES:
        statement = statement.where(RetestOrder.status == status)
    statement = actor.restrict(statement, RetestOrder).order_by(RetestOrder.id)
    rows, total, number, pages = common.paged(page, statement)
    audit.record(common.session_of(page), actor, "read", "retest_order",
                 [r.id for r, *_ in rows], jurisdiction_id=campaign.jurisdiction_id,
                 persons=[p.id for _, p, *_ in rows])  # fmt: skip
    return {"retests": rows, "retest_total": total, "number": number, "pages": pages}


@router.get("/testing/campaigns/{campaign_id}")
def campaign_page(campaign_id: int, page: PageContext) -> Response:
    actor, session = common.actor_of(page), common.session_of(page)
    figures = dashboard(session, actor, campaign_id)
    campaign = session.get_one(ScreeningCampaign, campaign_id)
    sites = {s.code: s for s in session.scalars(
        select(ScreeningSite).where(ScreeningSite.campaign_id == campaign.id))}  # fmt: skip
    status = page.request.query_params.get("status", "all")
    retests: dict[str, Any] = {}
    if actor.can("persons:read"):
        retests = _retests(page, campaign, status)
    done = DONE.get(page.request.query_params.get("done", ""))
    return page.render(
        "testing/dashboard.html", **common.shared(page, "campaigns"), d=figures,
        campaign=campaign, sites=sites, status=status, statuses=RETEST_STATUSES,
        notice=page.gettext(done) if done else None,
        place=common.places(session, [campaign.jurisdiction_id])[campaign.jurisdiction_id],
        **retests,
    )  # fmt: skip
