"""The response sweep of ``fireline worker``: every minute, open, complete, escalate, notify."""

from __future__ import annotations

import logging
from datetime import datetime

import httpx
from sqlalchemy.orm import Session, sessionmaker

from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.db.engine import transaction
from fireline.response.evidence_watch import EvidenceWatch
from fireline.response.notify import send_email, send_webhooks
from fireline.response.service import SweepSummary, sweep_in_steps
from fireline.response.settings import ResponseSettings
from fireline.settings import Settings

log = logging.getLogger(__name__)


def run(
    sessions: sessionmaker[Session],
    context: Context,
    response_settings: ResponseSettings,
    watch: EvidenceWatch | None = None,
) -> SweepSummary:
    """One sweep at the context's now with the deployment's profiles, a transaction per
    step, then delivery of new escalations in another. A running worker passes its
    ``watch``: evidence is then re-checked only where something changed."""
    now = context.now()
    summary = sweep_in_steps(
        lambda: transaction(sessions),
        now,
        profiles=context.profiles,
        settings=response_settings,
        watch=watch,
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


def run_once(
    sessions: sessionmaker[Session],
    now: datetime,
    settings: Settings,
    response_settings: ResponseSettings,
) -> SweepSummary:
    """One sweep as of the instant ``now`` (a command's ``--now``, a test), as the system
    with the profiles of ``settings.disease_dir``."""
    return run(sessions, Context.for_system(settings, FrozenClock(now)), response_settings)


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
