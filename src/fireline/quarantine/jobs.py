"""The daily completion run inside ``fireline serve``: quarantines whose period ended with
a clean last report close automatically (``outcomes.complete_finished``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fireline.db.engine import transaction
from fireline.places.models import Jurisdiction
from fireline.quarantine.outcomes import complete_finished
from fireline.surveillance.signals.jobs import seconds_until

log = logging.getLogger(__name__)


def local_today(session: Session, now: datetime) -> date:
    """Today in the root jurisdiction's time zone (UTC before any jurisdiction exists)."""
    zone = session.scalars(
        select(Jurisdiction.timezone).order_by(Jurisdiction.depth, Jurisdiction.id).limit(1)
    ).first()
    return now.astimezone(ZoneInfo(zone)).date() if zone else now.date()


def run_once(sessions: sessionmaker[Session], now: datetime, day: date | None = None) -> int:
    """Complete the finished quarantines as of ``day`` (default: today); returns how many."""
    with transaction(sessions) as session:
        done = complete_finished(session, day or local_today(session, now), now)
    log.info("quarantine completion: %d orders completed", done)  # counts only
    return done


async def daily_completion(
    sessions: sessionmaker[Session], clock: Callable[[], datetime], at: str
) -> None:
    """Run at start, then every day at ``at`` (server local time); errors are logged."""
    while True:
        try:
            await asyncio.to_thread(run_once, sessions, clock())
        except Exception:
            log.exception("the daily quarantine completion failed")
        await asyncio.sleep(seconds_until(at, datetime.now()))
