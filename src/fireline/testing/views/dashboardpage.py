"""A campaign's dashboard: covered, sampled, resulted, positive pools, positives, by site
and hour, the tests saved against individual testing; the current round with its close
button and the closed rounds; then the members of positive pools under hold with their
single-retest orders (personal data: audited, ``persons:read``)."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from fireline.auth import audit
from fireline.errors import Problem
from fireline.lab.models import Sample
from fireline.people.models import Person
from fireline.quarantine.models import QuarantineOrder
from fireline.testing.pooling import rounds
from fireline.testing.pooling.dashboard import dashboard
from fireline.testing.pooling.models import Pool, RetestOrder, ScreeningCampaign, ScreeningSite
from fireline.testing.views import common
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_
from fireline.zones.models import Zone

router = APIRouter()
RETEST_STATUSES: Final = ("open", "positive", "negative", "cancelled")
DONE: Final = {"created": N_("The campaign was created."),
               "round_closed": N_("The round was closed.")}  # fmt: skip
NOT_CLOSED: Final = N_(
    "Round %(n)s was not closed: see what it still awaits, reload and try again."
)


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
    return _board(page, campaign_id)


@router.post("/testing/campaigns/{campaign_id}/close-round")
def close_round(campaign_id: int, page: PageContext, form: PostedForm) -> Response:
    """Close the current round (``rounds.close_round``); a refusal shows the board again."""
    session, actor = common.session_of(page), common.actor_of(page)
    version = common.form_int(form.get("version")) or 0
    try:
        with session.begin_nested():
            rounds.close_round(session, actor, campaign_id, version=version, now=common.now(page))
    except Problem as problem:
        if problem.status != 409:
            raise
        round_no = session.get_one(ScreeningCampaign, campaign_id).round_no
        return _board(page, campaign_id, 409, page.gettext(NOT_CLOSED) % {"n": round_no})
    return RedirectResponse(f"/testing/campaigns/{campaign_id}?done=round_closed",
                            status_code=303)  # fmt: skip


def _board(page: Page, campaign_id: int, status_code: int = 200,
           error: str | None = None) -> Response:  # fmt: skip
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
    zone = session.get(Zone, campaign.zone_id) if campaign.zone_id else None  # named by it
    return page.render(
        "testing/dashboard.html", status_code=status_code, **common.shared(page, "campaigns"),
        d=figures, campaign=campaign, sites=sites, status=status, statuses=RETEST_STATUSES,
        notice=page.gettext(done) if done else None, error=error, zone=zone,
        place=common.places(session, [campaign.jurisdiction_id])[campaign.jurisdiction_id],
        **retests,
    )  # fmt: skip
