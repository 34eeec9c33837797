"""JSON routes of screening campaigns: set-up, sites, pool tubes and plates, pool results
(JSON or CSV, in bulk), retest orders, the dashboard, closing a round."""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Annotated

import pyarrow as pa
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from sqlalchemy import select

from fireline.auth.deps import ApiActor
from fireline.bounds import Id
from fireline.db.deps import DbSession
from fireline.errors import Problem
from fireline.pagination import Page, PageParams, count, make_page, page_params
from fireline.testing import csvin
from fireline.testing.pooling import campaigns, rounds
from fireline.testing.pooling.dashboard import dashboard
from fireline.testing.pooling.ingest import ingest_rows
from fireline.testing.pooling.models import RetestOrder, ScreeningCampaign
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
from fireline.web.deps import ApiContext

router = APIRouter(tags=["screening"])
Params = Annotated[PageParams, Depends(page_params)]


def now(request: Request) -> datetime:
    moment: datetime = request.app.state.clock.now()
    return moment


Now = Annotated[datetime, Depends(now)]


@router.post("/campaigns", response_model=CampaignRead, status_code=201)
def create_campaign(body: CampaignCreate, context: ApiContext,
                    session: DbSession) -> CampaignRead:  # fmt: skip
    """A campaign; the pool size is the Dorfman (or matrix) optimum unless given."""
    return CampaignRead.model_validate(campaigns.create_campaign(session, context, body))


@router.get("/campaigns", response_model=Page[CampaignRead])
def read_campaigns(actor: ApiActor, session: DbSession, params: Params) -> Page[CampaignRead]:
    actor.require("records:read")
    statement = actor.restrict(select(ScreeningCampaign), ScreeningCampaign).order_by(
        ScreeningCampaign.id.desc())  # fmt: skip
    rows = list(session.scalars(statement.limit(params.limit).offset(params.offset)))
    return make_page([CampaignRead.model_validate(c) for c in rows], count(session, statement),
                     params)  # fmt: skip


@router.get("/campaigns/{campaign_id:int}", response_model=Dashboard)
def read_campaign(campaign_id: Id, actor: ApiActor, session: DbSession) -> Dashboard:
    """The campaign with its dashboard figures."""
    return dashboard(session, actor, campaign_id)


@router.post("/campaigns/{campaign_id:int}/sites", response_model=SiteRead, status_code=201)
def create_site(campaign_id: Id, body: SiteCreate, actor: ApiActor,
                session: DbSession) -> SiteRead:  # fmt: skip
    return SiteRead.model_validate(campaigns.add_site(session, actor, campaign_id, body))


@router.post("/campaigns/{campaign_id:int}/pools", response_model=PoolRead, status_code=201)
def create_pool(campaign_id: Id, body: PoolCreate, actor: ApiActor, session: DbSession,
                moment: Now) -> PoolRead:  # fmt: skip
    """A k-in-1 tube with its members' sample barcodes."""
    return PoolRead.model_validate(
        campaigns.register_pool(session, actor, campaign_id, body, moment)
    )


@router.post("/campaigns/{campaign_id:int}/plates", response_model=list[PoolRead], status_code=201)
def create_plate(campaign_id: Id, body: PlateCreate, actor: ApiActor, session: DbSession,
                 moment: Now) -> list[PoolRead]:  # fmt: skip
    """A matrix plate: its row and column tubes."""
    pools = campaigns.register_plate(session, actor, campaign_id, body, moment)
    return [PoolRead.model_validate(p) for p in pools]


@router.get("/campaigns/{campaign_id:int}/retests", response_model=Page[RetestRead])
def read_retests(campaign_id: Id, actor: ApiActor, session: DbSession, params: Params,
                 status: str | None = None) -> Page[RetestRead]:  # fmt: skip
    campaign = campaigns.get_campaign(session, actor, campaign_id)
    statement = actor.restrict(select(RetestOrder).where(
        RetestOrder.campaign_id == campaign.id), RetestOrder).order_by(RetestOrder.id)  # fmt: skip
    if status:
        statement = statement.where(RetestOrder.status == status)
    rows = list(session.scalars(statement.limit(params.limit).offset(params.offset)))
    return make_page([RetestRead.model_validate(r) for r in rows], count(session, statement),
                     params)  # fmt: skip


@router.post("/campaigns/{campaign_id:int}/close-round", response_model=RoundRead, status_code=201)
def close_round(campaign_id: Id, body: RoundClose, actor: ApiActor, session: DbSession,
                moment: Now) -> RoundRead:  # fmt: skip
    """Close the current round once every tube is resulted and no retest is open; a zone
    campaign's round is recorded on the zone. 409 says what is still awaited."""
    closed = rounds.close_round(session, actor, campaign_id, version=body.version, now=moment)
    return RoundRead.model_validate(closed)


def rows_table(results: list[dict[str, object]]) -> pa.Table:
    """Pool results as the staging table's columns (row numbers count from 0)."""
    return pa.table({
        "row_no": pa.array(range(len(results)), pa.int64()),
        "barcode": pa.array([str(r["barcode"]) for r in results], pa.string()),
        "outcome": pa.array([str(r["outcome"]) for r in results], pa.string()),
        "ct_value": pa.array([r.get("ct_value") for r in results], pa.float64()),
        "resulted_at": pa.array([r["resulted_at"] for r in results], pa.timestamp("us", "UTC")),
        "external_id": pa.array([r.get("external_id") for r in results], pa.string()),
    })  # fmt: skip


@router.post("/pool-results", response_model=PoolReportRead)
def post_pool_results(body: PoolResultsIn, actor: ApiActor, session: DbSession,
                      moment: Now) -> PoolReportRead:  # fmt: skip
    """Pool results in bulk: decoded, holds and single-retest orders made in SQL."""
    rows = rows_table([r.model_dump() for r in body.results])
    found = ingest_rows(session, actor, rows, batch=body.batch, now=moment)
    return PoolReportRead(**found.as_dict())


@router.post("/pool-results/csv", response_model=PoolReportRead)
def post_pool_results_csv(
    actor: ApiActor, session: DbSession, moment: Now,
    file: Annotated[UploadFile, File(description="CSV: barcode, outcome, ct_value, resulted_at")],
    batch: Annotated[str | None, Form(max_length=200)] = None,
) -> PoolReportRead:  # fmt: skip
    content = file.file.read()
    rows = read_pool_csv(content)
    found = ingest_rows(session, actor, rows, batch=batch or file.filename or "csv", now=moment)
    return PoolReportRead(**found.as_dict())


def read_pool_csv(content: bytes) -> pa.Table:
    reader = csv.DictReader(csvin.read_text(content))
    results: list[dict[str, object]] = []
    for line, row in enumerate(csvin.read_rows(reader), start=2):
        try:
            results.append({
                "barcode": row["barcode"].strip(), "outcome": row["outcome"].strip(),
                "ct_value": float(row["ct_value"]) if (row.get("ct_value") or "").strip() else None,
                "resulted_at": datetime.fromisoformat(row["resulted_at"].strip()),
                "external_id": (row.get("result_id") or "").strip() or None,
            })  # fmt: skip
        except (KeyError, ValueError, AttributeError) as exc:
            raise Problem(422, f"line {line}: {exc}", errors=[{"path": f"line {line}",
                          "message": str(exc)}]) from None  # fmt: skip
    if not results:
        raise Problem(422, "the file has no rows")
    return rows_table(results)
