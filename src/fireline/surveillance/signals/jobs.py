"""The daily signal run of ``fireline worker``."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.scope import system_actor
from fireline.db.engine import transaction
from fireline.surveillance.signals.service import RunSummary, run_signals

log = logging.getLogger(__name__)


def run_once(sessions: sessionmaker[Session], signal_date: date) -> RunSummary:
    with transaction(sessions) as session:
        summary = run_signals(session, system_actor(), signal_date)
    # Counts only: the log never carries personal data.
    log.info("signals %s: %d series, %d alerts", signal_date, summary.series, summary.alerts)
    return summary
