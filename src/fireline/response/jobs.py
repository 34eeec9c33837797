"""The response sweep inside ``fireline serve``: every minute, open, complete, escalate, notify."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

import httpx
from sqlalchemy.orm import Session, sessionmaker

from fireline.db.engine import transaction
from fireline.diseases.loader import load_profiles
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
) -> SweepSummary:
    """One sweep, a transaction per step, then delivery of new escalations in another."""
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


async def response_sweep(
    sessions: sessionmaker[Session],
    clock: Callable[[], datetime],
    settings: Settings,
    response_settings: ResponseSettings,
) -> None:
    """Sweep at start and then every ``sweep_seconds``; errors are logged, not fatal."""
    while True:
        try:
            await asyncio.to_thread(run_once, sessions, clock(), settings, response_settings)
        except Exception:
            log.exception("the response sweep failed")
        await asyncio.sleep(response_settings.sweep_seconds)
