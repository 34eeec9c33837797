"""JSON routes for alerts and the signal run."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from fireline.auth.deps import ApiActor
from fireline.bounds import Id
from fireline.db.deps import DbSession
from fireline.errors import Problem
from fireline.pagination import Page, make_page
from fireline.surveillance.signals import service
from fireline.surveillance.signals.models import Alert
from fireline.surveillance.signals.schemas import AlertDecision, AlertRead
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(tags=["signals"])


@router.get("/alerts", response_model=Page[AlertRead])
def read_alerts(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    status: Annotated[
        Literal["open", "closed", "acknowledged", "dismissed", "all"] | None,
        Query(description="closed: acknowledged or dismissed; all (the default): any"),
    ] = None,
    method: Literal["ears-c1", "ears-c2", "ears-c3", "farrington"] | None = None,
    disease: Annotated[str | None, Query(max_length=32)] = None,
    jurisdiction: Annotated[str | None, Query(description="Narrow to this subtree")] = None,
    signal_from: Annotated[date | None, Query(description="Signal date on or after")] = None,
    signal_to: Annotated[date | None, Query(description="Signal date on or before")] = None,
) -> Page[AlertRead]:
    """Alerts in your subtree, newest and strongest first. Sort by ``newest`` (signal
    date), ``score``, ``observed``, ``place``, ``disease`` or ``method``; ``q`` finds an
    alert number (``#12``) or a jurisdiction's code or name."""
    if signal_from and signal_to and signal_to < signal_from:
        raise Problem(422, "signal_to is before signal_from")
    rows, total = service.list_alerts(session, actor, query)
    items = [AlertRead.model_validate(alert).placed(place) for alert, place in rows]
    return make_page(items, total, query)


@router.get("/alerts/{alert_id:int}", response_model=AlertRead)
def read_alert(alert_id: Id, actor: ApiActor, session: DbSession) -> AlertRead:
    return AlertRead.model_validate(actor.get(session, Alert, alert_id, f"alert {alert_id}"))


@router.post("/alerts/{alert_id:int}/decision", response_model=AlertRead)
def decide_alert(
    alert_id: Id, body: AlertDecision, context: ApiContext, session: DbSession
) -> AlertRead:
    """Acknowledge, or dismiss with a reason; send the version you read."""
    alert = service.decide(
        session,
        context.actor,
        alert_id,
        action=body.action,
        reason=body.reason,
        version=body.version,
        now=context.now(),
    )
    return AlertRead.model_validate(alert)
