"""JSON routes: import check-in logs, propose venue exposures, review and decide them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, UploadFile

from fireline.auth.deps import ApiActor
from fireline.bounds import Id
from fireline.db.deps import DbSession
from fireline.pagination import Page, make_page
from fireline.tracing.venues import ingest, service
from fireline.tracing.venues.schemas import (
    DecisionRead,
    DecisionRequest,
    ImportRead,
    ProposalRead,
    ProposeReport,
    ProposeRequest,
    VisitRead,
)
from fireline.tracing.venues.timeline import venue_timeline
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(tags=["venue exposures"])


@router.post("/check-ins/imports", response_model=ImportRead, status_code=201)
def import_check_ins(
    actor: ApiActor, session: DbSession, file: Annotated[UploadFile, File()]
) -> ImportRead:
    """Import a CSV or Parquet check-in log: every row, or none and every bad line listed."""
    data = file.file.read()
    report = ingest.import_check_ins(session, actor, data, file.filename or "log.csv")
    return ImportRead(rows=report.rows)


@router.post("/cases/{case_id:int}/venue-exposures", response_model=ProposeReport)
def propose_for_case(
    case_id: Id, body: ProposeRequest, context: ApiContext, session: DbSession
) -> ProposeReport:
    """Find who shared a venue with the case while infectious; store them as proposals."""
    report = service.propose_exposures(
        session,
        context.actor,
        context.profiles,
        body.rule(),
        case_ids=[case_id],
        engine=body.engine,
        now=context.now(),
    )
    return ProposeReport(**report.__dict__)


@router.get("/proposed-contacts", response_model=Page[ProposalRead])
def read_proposals(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    case_id: Id | None = None,
    status: Literal["proposed", "confirmed", "rejected", "all"] = "proposed",
    jurisdiction: str | None = None,
    venue_id: Id | None = None,
    day: date | None = None,
) -> Page[ProposalRead]:
    """The review queue, per case, venue, day of the shared time (in the jurisdiction's
    time zone) or jurisdiction subtree (default: the user's), newest shared time first
    (``sort``: exposure, case, minutes)."""
    place = actor.jurisdiction(session, jurisdiction) if jurisdiction else None
    rows, total = service.list_proposals(session, actor, query, place)
    return make_page([ProposalRead.model_validate(r) for r in rows], total, query)


@router.post("/proposed-contacts/decisions", response_model=DecisionRead)
def decide(body: DecisionRequest, context: ApiContext, session: DbSession) -> DecisionRead:
    """Confirm (list as contacts with the rule's category) or reject, all or none."""
    report = service.decide(session, context.actor, body.ids, body.decision, now=context.now())
    return DecisionRead(**report.__dict__)


@router.get("/venues/{venue_id:int}/visits", response_model=Page[VisitRead])
def read_visits(
    venue_id: Id,
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    case_id: Id | None = None,
) -> Page[VisitRead]:
    """Visits at a venue during a case's infectious window (or the last day), in time
    order (``sort``: checked_in, person)."""
    timeline = venue_timeline(
        session,
        context.actor,
        context.profiles,
        venue_id,
        query,
        case_id=case_id,
        now=context.now(),
    )
    visits = [
        VisitRead(
            person_id=v.person_id,
            checked_in_at=v.start,
            checked_out_at=None if v.open_end else v.end,
            is_case=v.is_case,
        )
        for v in timeline.visits
    ]
    return make_page(visits, timeline.total, query)
