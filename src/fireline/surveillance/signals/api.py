"""JSON routes for alerts and the signal run."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from fireline.auth.deps import ApiActor
from fireline.bounds import Id
from fireline.db.deps import DbSession
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
    status: Literal["open", "acknowledged", "dismissed"] | None = None,
    disease: str | None = None,
    jurisdiction: Annotated[str | None, Query(description="Narrow to this subtree")] = None,
) -> Page[AlertRead]:
    """Alerts in your subtree, newest and strongest first (sort ``newest`` or ``score``)."""
    rows, total = service.list_alerts(session, actor, query)
    return make_page([AlertRead.model_validate(alert) for alert, _ in rows], total, query)


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
