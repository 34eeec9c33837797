"""The daily signal run of ``fireline worker``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.scope import system_actor
from fireline.db.engine import reading, transaction
from fireline.diseases.schemas import DiseaseProfile
from fireline.surveillance.signals.outlooks import run_outlooks, store_outlooks
from fireline.surveillance.signals.service import (
    RunSummary,
    SignalOptions,
    compute_alarms,
    store_alarms,
)

log = logging.getLogger(__name__)


def run_once(
    sessions: sessionmaker[Session],
    signal_date: date,
    profiles: Mapping[str, DiseaseProfile] | None = None,
    options: SignalOptions | None = None,
) -> RunSummary:
    """Compute in a reading transaction, then write the alerts in a short one: the
    series are read without holding SQLite's write lock. With ``profiles``, the
    nowcast and forecast of every jurisdiction are computed and stored too."""
    with transaction(reading(sessions)) as session:
        found = compute_alarms(session, signal_date, options)
        diseases = [disease for disease, _ in found.by_disease]
        ahead = run_outlooks(session, diseases, signal_date, profiles) if profiles else {}
    with transaction(sessions) as session:
        summary = store_alarms(session, system_actor(), found)
        stored = sum(store_outlooks(session, d, signal_date, r) for d, r in ahead.items())
    # Counts only: the log never carries personal data.
    log.info(
        "signals %s: %d series, %d weekly, %d alerts, %d outlook rows",
        signal_date,
        summary.series,
        found.farrington_series,
        summary.alerts,
        stored,
    )
    return summary
