"""The daily signal run inside ``fireline serve``."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.scope import system_actor
from fireline.db.engine import reading, transaction
from fireline.surveillance.signals.service import compute_alarms, store_alarms

log = logging.getLogger(__name__)


def seconds_until(at: str, now: datetime) -> float:
    """Seconds from ``now`` to the next ``HH:MM`` on the same clock."""
    hour, minute = (int(part) for part in at.split(":"))
    target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return (target - now).total_seconds()


def run_once(sessions: sessionmaker[Session], signal_date: date) -> None:
    """Compute in a reading transaction, then write the alerts in a short one: the
    series are read without holding SQLite's write lock."""
    with transaction(reading(sessions)) as session:
        found = compute_alarms(session, signal_date)
    with transaction(sessions) as session:
        summary = store_alarms(session, system_actor(), found)
    # Counts only: the log never carries personal data.
    log.info("signals %s: %d series, %d alerts", signal_date, summary.series, summary.alerts)


async def daily_signals(sessions: sessionmaker[Session], at: str) -> None:
    """Run today's signals at start, then every day at ``at``; errors are logged, not fatal."""
    while True:
        try:
            await asyncio.to_thread(run_once, sessions, date.today())
        except Exception:
            log.exception("the daily signal run failed")
        await asyncio.sleep(seconds_until(at, datetime.now()))
