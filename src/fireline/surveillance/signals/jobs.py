"""The daily signal run of ``fireline worker``."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.scope import system_actor
from fireline.db.engine import reading, transaction
from fireline.surveillance.signals.service import RunSummary, compute_alarms, store_alarms

log = logging.getLogger(__name__)


def run_once(sessions: sessionmaker[Session], signal_date: date) -> RunSummary:
    """Compute in a reading transaction, then write the alerts in a short one: the
    series are read without holding SQLite's write lock."""
    with transaction(reading(sessions)) as session:
        found = compute_alarms(session, signal_date)
    with transaction(sessions) as session:
        summary = store_alarms(session, system_actor(), found)
    # Counts only: the log never carries personal data.
    log.info("signals %s: %d series, %d alerts", signal_date, summary.series, summary.alerts)
    return summary
