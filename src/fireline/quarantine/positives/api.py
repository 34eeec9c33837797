"""JSON routes: lab positives among the reader's contacts, and their decision (convert the
quarantine to isolation, or dismiss the proposal), each with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from fireline.bounds import Id
from fireline.db.deps import DbSession
from fireline.pagination import Page, make_page
from fireline.quarantine import outcomes
from fireline.quarantine.days import today_in
from fireline.quarantine.orders import get_order
from fireline.quarantine.positives import service
from fireline.quarantine.positives.schemas import (
    ConversionRead,
    DismissRead,
    DismissRequest,
    IsolationConversion,
    PositiveRead,
)
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(prefix="/quarantine", tags=["quarantine"])


@router.get("/positives", response_model=Page[PositiveRead])
def read_positives(
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    mine: Annotated[bool, Query(description="Only those addressed to me or to nobody")] = True,
    disease: str | None = None,
) -> Page[PositiveRead]:
    """Lab positives of people under quarantine, waiting for a decision, newest first
    (``sort``: created, resulted)."""
    rows, total = service.positives_among_contacts(session, context, query, mine=mine)
    return make_page([PositiveRead.model_validate(r) for r in rows], total, query)


@router.post("/orders/{order_id:int}/convert-to-isolation", response_model=ConversionRead)
def convert_to_isolation(
    order_id: Id, body: IsolationConversion, context: ApiContext, session: DbSession
) -> ConversionRead:
    """The quarantine ends as ``converted``: the person's case of the disease is used (a
    confirmed one is made only when there is none), isolated and linked to its infector."""
    order = get_order(session, context.actor, order_id)
    done = outcomes.convert_to_isolation(
        session,
        context,
        order_id,
        version=body.version,
        reason=body.reason,
        kind=body.kind,
        today=today_in(session, context, order.jurisdiction_id),
    )
    return ConversionRead(
        order_id=done.order.id,
        status=done.order.status,
        case_id=done.case.id,
        classification=done.case.classification,
        isolation_order_id=done.isolation.id,
        infector_case_id=done.infector_case_id,
    )


@router.post("/orders/{order_id:int}/positive/dismiss", response_model=DismissRead)
def dismiss(
    order_id: Id, body: DismissRequest, context: ApiContext, session: DbSession
) -> DismissRead:
    """Close the open proposal with a reason; the quarantine goes on unchanged."""
    closed = service.dismiss(session, context, order_id, reason=body.reason)
    return DismissRead(order_id=order_id, dismissed=closed)
