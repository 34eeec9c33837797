"""The response sweep of ``fireline worker``: every minute, open, complete, escalate, notify."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

import httpx
from sqlalchemy.orm import Session, sessionmaker

from fireline.db.engine import transaction
from fireline.diseases.loader import load_profiles
from fireline.diseases.schemas import DiseaseProfile
from fireline.response.notify import send_email, send_webhooks
from fireline.response.service import SweepSummary, sweep_in_steps
from fireline.response.settings import ResponseSettings
from fireline.settings import Settings

log = logging.getLogger(__name__)


def run_once(
    sessions: sessionmaker[Session],
    now: datetime,
    settings: Settings,
    response_settings: ResponseSettings,
    profiles: Mapping[str, DiseaseProfile] | None = None,
) -> SweepSummary:
    """One sweep, a transaction per step, then delivery of new escalations in another;
    ``profiles`` default to those of ``settings.disease_dir``."""
    if profiles is None:
        profiles = load_profiles(settings.disease_dir)
    summary = sweep_in_steps(
        lambda: transaction(sessions), now, profiles=profiles, settings=response_settings
    )
    deliver(sessions, now, response_settings)
    # Counts only: the log never carries personal data.
    log.info(
        "responses: %d opened, %d tasks, %d completed, %d escalations",
        summary.responses,
        summary.tasks,
        summary.completed,
        summary.escalations,
    )
    return summary


def deliver(sessions: sessionmaker[Session], now: datetime, settings: ResponseSettings) -> None:
    """Send new escalations by webhook and e-mail; what fails is retried next time."""
    if settings.webhook_url:
        with (
            transaction(sessions) as session,
            httpx.Client(timeout=settings.webhook_timeout) as client,
        ):
            send_webhooks(session, now, settings, client)
    if settings.smtp_host and settings.email_to:
        try:
            with transaction(sessions) as session:
                send_email(session, now, settings)
        except OSError as exc:
            log.warning("response e-mail failed: %s", type(exc).__name__)

