"""The scan page at a sampling site: scan the pool tube, then each member's sample barcode
(or the person's ID card, then a new sample tube); Enter adds a scan, Enter on an empty
line or F8 closes the tube, Escape discards it. Without JavaScript the same form posts the
tube and the members typed one per line. A refused tube stores nothing and keeps its
scans on the page, with the reason (duplicate barcode, member already in another pool of
the round, tube already registered)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError

from fireline.errors import NotFound, Problem
from fireline.testing.pooling import campaigns, scanning
from fireline.testing.pooling.models import ScreeningCampaign
from fireline.testing.pooling.schemas import PoolCreate
from fireline.testing.samples import require_write
from fireline.testing.views import common
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()
NO_TUBE = N_("Scan the pool tube first, then its members.")
SAVED = N_("Tube %(code)s registered with %(n)s samples.")


def _render(
    page: Page, campaign: ScreeningCampaign, site_code: str, status: int = 200, **extra: Any
) -> Response:
    sites = scanning.sites_of(common.session_of(page), campaign)
    site = next((s for s in sites if s.code == site_code), sites[0] if sites else None)
    recent, site_pools = scanning.site_tubes(common.session_of(page), site)
    extra.setdefault("tube", "")
    extra.setdefault("scans", [])
    return page.render(
        "testing/scan.html",
        status_code=status,
        **common.shared(page, "scan"),
        campaign=campaign,
        sites=sites,
        site=site,
        recent=recent,
        site_pools=site_pools,
        **extra,
    )


@router.get("/testing/campaigns/{campaign_id}/scan")
def scan_page(campaign_id: int, page: PageContext) -> Response:
    actor = common.actor_of(page)
    require_write(actor)
    campaign = campaigns.get_campaign(common.session_of(page), actor, campaign_id)
    return _render(page, campaign, page.request.query_params.get("site", ""))


@router.post("/testing/campaigns/{campaign_id}/scan")
def close_tube(campaign_id: int, page: PageContext, form: PostedForm) -> Response:
    actor, session = common.actor_of(page), common.session_of(page)
    require_write(actor)
    campaign = campaigns.get_campaign(session, actor, campaign_id)
    site_code, tube = str(form.get("site_code") or ""), str(form.get("tube") or "").strip()
    scans = [s.strip() for s in str(form.get("members") or "").splitlines() if s.strip()]
    kept = {"tube": tube, "scans": scans}
    if not tube or not scans:
        return _render(page, campaign, site_code, 422, error=page.gettext(NO_TUBE), **kept)
    try:
        with session.begin_nested():
            members = scanning.members_from_scans(session, actor, scans)
            body = PoolCreate(barcode=tube, site_code=site_code, members=members)
            pool = campaigns.register_pool(session, actor, campaign.id, body, common.now(page))
    except ValidationError as exc:
        return _render(
            page,
            campaign,
            site_code,
            422,
            problems=[(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()],
            **kept,
        )
    except NotFound:
        raise
    except Problem as problem:
        return _render(
            page,
            campaign,
            site_code,
            problem.status,
            problems=common.problem_lines(page, problem),
            **kept,
        )
    notice = page.gettext(SAVED) % {"code": pool.barcode, "n": pool.size}
    return _render(page, campaign, site_code, notice=notice)
