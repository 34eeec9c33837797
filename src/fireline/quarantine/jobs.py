"""The daily completion run of ``fireline worker``: quarantines whose period ended with
a clean last report close automatically (``outcomes.complete_finished``)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from fireline.db.engine import transaction
from fireline.places.service import root_timezone
from fireline.quarantine.outcomes import complete_finished

log = logging.getLogger(__name__)


def local_today(session: Session, now: datetime) -> date:
    """Today in the root jurisdiction's time zone (UTC before any jurisdiction exists)."""
    return now.astimezone(root_timezone(session)).date()


def run_once(sessions: sessionmaker[Session], now: datetime, day: date | None = None) -> int:
    """Complete the finished quarantines as of ``day`` (default: today); returns how many."""
    with transaction(sessions) as session:
        done = complete_finished(session, day or local_today(session, now), now)
    log.info("quarantine completion: %d orders completed", done)  # counts only
    return done
