"""JSON routes of screening campaigns: set-up, sites, pool tubes and plates, pool results
(JSON or CSV, in bulk), retest orders, the dashboard, closing a round."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile

from fireline.auth.deps import ApiActor
from fireline.bounds import Id
from fireline.db.deps import DbSession
from fireline.pagination import Page, PageParams, make_page
from fireline.testing.pooling import campaigns, lists, rounds
from fireline.testing.pooling.dashboard import dashboard
from fireline.testing.pooling.ingest import ingest_rows, read_pool_csv, rows_table
from fireline.testing.pooling.schemas import (
    CampaignCreate,
    CampaignRead,
    Dashboard,
    PlateCreate,
    PoolCreate,
    PoolRead,
    PoolReportRead,
    PoolResultsIn,
    RetestRead,
    RoundClose,
    RoundRead,
    SiteCreate,
    SiteRead,
)
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(tags=["screening"])


@router.post("/campaigns", response_model=CampaignRead, status_code=201)
def create_campaign(body: CampaignCreate, context: ApiContext, session: DbSession) -> CampaignRead:
    """A campaign; the pool size is the Dorfman (or matrix) optimum unless given."""
    return CampaignRead.model_validate(campaigns.create_campaign(session, context, body))


@router.get("/campaigns", response_model=Page[CampaignRead])
def read_campaigns(
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    jurisdiction: str | None = None,
    disease: str | None = None,
    status: str | None = None,
    target_kind: Literal["jurisdiction", "zone", "list"] | None = None,
    design: Literal["dorfman", "matrix"] | None = None,
) -> Page[CampaignRead]:
    """Campaigns in your subtree (or under ``jurisdiction``); sort by ``starts`` (default),
    ``name`` or ``created``; ``q`` searches the names."""
    asked = context.within_code(session, jurisdiction)
    rows, total = lists.list_campaigns(session, asked, query)
    return make_page([CampaignRead.model_validate(r.campaign) for r in rows], total, query)


@router.get("/campaigns/{campaign_id:int}", response_model=Dashboard)
def read_campaign(campaign_id: Id, context: ApiContext, session: DbSession) -> Dashboard:
    """The campaign with its dashboard figures (``as_of`` says when they were counted,
    for a campaign too large to count on every request)."""
    return dashboard(session, context.actor, campaign_id, context)


@router.post("/campaigns/{campaign_id:int}/sites", response_model=SiteRead, status_code=201)
def create_site(campaign_id: Id, body: SiteCreate, actor: ApiActor, session: DbSession) -> SiteRead:
    return SiteRead.model_validate(campaigns.add_site(session, actor, campaign_id, body))


@router.post("/campaigns/{campaign_id:int}/pools", response_model=PoolRead, status_code=201)
def create_pool(
    campaign_id: Id, body: PoolCreate, context: ApiContext, session: DbSession
) -> PoolRead:
    """A k-in-1 tube with its members' sample barcodes."""
    pool = campaigns.register_pool(session, context.actor, campaign_id, body, context.now())
    return PoolRead.model_validate(pool)


@router.post("/campaigns/{campaign_id:int}/plates", response_model=Page[PoolRead], status_code=201)
def create_plate(
    campaign_id: Id, body: PlateCreate, context: ApiContext, session: DbSession
) -> Page[PoolRead]:
    """A matrix plate: its row and column tubes, all on one page."""
    pools = campaigns.register_plate(session, context.actor, campaign_id, body, context.now())
    return make_page(
        [PoolRead.model_validate(p) for p in pools],
        len(pools),
        PageParams(limit=max(1, len(pools))),
    )


@router.get("/campaigns/{campaign_id:int}/retests", response_model=Page[RetestRead])
def read_retests(
    campaign_id: Id,
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    status: Literal["open", "positive", "negative", "cancelled"] | None = None,
) -> Page[RetestRead]:
    """The campaign's retest orders, newest first by default (``order=asc``: oldest first);
    ``status`` is open, positive, negative or cancelled."""
    rows, total = lists.list_retests(session, context, campaign_id, query)
    return make_page([RetestRead.model_validate(r.order) for r in rows], total, query)


@router.post("/campaigns/{campaign_id:int}/close-round", response_model=RoundRead, status_code=201)
def close_round(
    campaign_id: Id, body: RoundClose, context: ApiContext, session: DbSession
) -> RoundRead:
    """Close the current round once every tube is resulted and no retest is open; a zone
    campaign's round is recorded on the zone. 409 says what is still awaited."""
    closed = rounds.close_round(
        session, context.actor, campaign_id, version=body.version, now=context.now()
    )
    return RoundRead.model_validate(closed)


@router.post("/pool-results", response_model=PoolReportRead)
def post_pool_results(
    body: PoolResultsIn, context: ApiContext, session: DbSession
) -> PoolReportRead:
    """Pool results in bulk: decoded, holds and single-retest orders made in SQL."""
    rows = rows_table([r.model_dump() for r in body.results])
    found = ingest_rows(session, context.actor, rows, batch=body.batch, now=context.now())
    return PoolReportRead(**found.as_dict())


@router.post("/pool-results/csv", response_model=PoolReportRead)
def post_pool_results_csv(
    context: ApiContext,
    session: DbSession,
    file: Annotated[UploadFile, File(description="CSV: barcode, outcome, ct_value, resulted_at")],
    batch: Annotated[str | None, Form(max_length=200)] = None,
) -> PoolReportRead:
    rows = read_pool_csv(file.file.read())
    found = ingest_rows(
        session, context.actor, rows, batch=batch or file.filename or "csv", now=context.now()
    )
    return PoolReportRead(**found.as_dict())
