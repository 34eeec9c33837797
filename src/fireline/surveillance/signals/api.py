"""JSON routes for alerts and the signal run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from fireline.auth.deps import ApiActor
from fireline.bounds import Id
from fireline.db.deps import DbSession
from fireline.pagination import Page, PageParams, make_page, page_params
from fireline.surveillance.signals import service
from fireline.surveillance.signals.models import Alert
from fireline.surveillance.signals.schemas import AlertDecision, AlertRead

router = APIRouter(tags=["signals"])


@router.get("/alerts", response_model=Page[AlertRead])
def read_alerts(
    actor: ApiActor,
    session: DbSession,
    params: Annotated[PageParams, Depends(page_params)],
    status: str | None = None,
    disease: str | None = None,
) -> Page[AlertRead]:
    """Alerts in your subtree, newest and strongest first."""
    alerts, total = service.list_alerts(session, actor, params, status=status, disease=disease)
    return make_page([AlertRead.model_validate(a) for a in alerts], total, params)


@router.get("/alerts/{alert_id:int}", response_model=AlertRead)
def read_alert(alert_id: Id, actor: ApiActor, session: DbSession) -> AlertRead:
    return AlertRead.model_validate(actor.get(session, Alert, alert_id, f"alert {alert_id}"))


@router.post("/alerts/{alert_id:int}/decision", response_model=AlertRead)
def decide_alert(
    alert_id: Id, body: AlertDecision, actor: ApiActor, session: DbSession
) -> AlertRead:
    """Acknowledge, or dismiss with a reason; send the version you read."""
    alert = service.decide(
        session, actor, alert_id, action=body.action, reason=body.reason, version=body.version
    )
    return AlertRead.model_validate(alert)
