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
from sqlalchemy import func, select

from fireline.errors import NotFound, Problem
from fireline.lab.models import Sample
from fireline.people.models import Person
from fireline.testing.pooling import campaigns
from fireline.testing.pooling.models import Pool, ScreeningCampaign, ScreeningSite
from fireline.testing.pooling.schemas import MemberIn, PoolCreate
from fireline.testing.samples import require_write
from fireline.testing.views import common
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()
NO_TUBE = N_("Scan the pool tube first, then its members.")
SAVED = N_("Tube %(code)s registered with %(n)s samples.")


def _sites(page: Page, campaign: ScreeningCampaign) -> list[ScreeningSite]:
    return list(common.session_of(page).scalars(select(ScreeningSite).where(
        ScreeningSite.campaign_id == campaign.id).order_by(ScreeningSite.code)))  # fmt: skip


def _recent(page: Page, site: ScreeningSite | None) -> list[Pool]:
    if site is None:
        return []
    statement = select(Pool).where(Pool.site_id == site.id).order_by(Pool.id.desc()).limit(10)
    return list(common.session_of(page).scalars(statement))


def _render(page: Page, campaign: ScreeningCampaign, site_code: str, status: int = 200,
            **extra: Any) -> Response:  # fmt: skip
    sites = _sites(page, campaign)
    site = next((s for s in sites if s.code == site_code), sites[0] if sites else None)
    count = select(func.count()).select_from(Pool).where(Pool.site_id == (site.id if site else 0))
    extra.setdefault("tube", "")
    extra.setdefault("scans", [])
    return page.render("testing/scan.html", status_code=status, **common.shared(page, "scan"),
                       campaign=campaign, sites=sites, site=site, recent=_recent(page, site),
                       site_pools=common.session_of(page).scalar(count) or 0,
                       **extra)  # fmt: skip


@router.get("/testing/campaigns/{campaign_id}/scan")
def scan_page(campaign_id: int, page: PageContext) -> Response:
    actor = common.actor_of(page)
    require_write(actor)
    campaign = campaigns.get_campaign(common.session_of(page), actor, campaign_id)
    return _render(page, campaign, page.request.query_params.get("site", ""))


def members_of(page: Page, scans: list[str]) -> list[MemberIn]:
    """Each scan is a sample barcode; a person's ID card (national ID in scope, not a sample)
    names the person whose new sample the next scan is."""
    session, actor = common.session_of(page), common.actor_of(page)
    known = set(session.scalars(actor.restrict(
        select(Sample.barcode).where(Sample.barcode.in_(scans)), Sample)))  # fmt: skip
    ids = [s.upper() for s in scans if s not in known]
    people = {p.national_id: p.id for p in session.scalars(actor.restrict(
        select(Person).where(Person.national_id.in_(ids), Person.merged_into_id.is_(None)),
        Person))}  # fmt: skip
    members: list[MemberIn] = []
    pending: int | None = None
    for scan in scans:
        if scan not in known and scan.upper() in people and pending is None:
            pending = people[scan.upper()]
            continue
        members.append(MemberIn(barcode=scan, person_id=pending))
        pending = None
    return members


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
            body = PoolCreate(barcode=tube, site_code=site_code, members=members_of(page, scans))
            pool = campaigns.register_pool(session, actor, campaign.id, body, common.now(page))
    except ValidationError as exc:
        return _render(page, campaign, site_code, 422, problems=[
            (".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()], **kept)  # fmt: skip
    except NotFound:
        raise
    except Problem as problem:
        return _render(page, campaign, site_code, problem.status,
                       problems=common.problem_lines(page, problem), **kept)  # fmt: skip
    notice = page.gettext(SAVED) % {"code": pool.barcode, "n": pool.size}
    return _render(page, campaign, site_code, notice=notice)
