"""Venue exposures for the demo: called after ``load_outbreak`` has written check-ins."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.diseases.loader import load_profiles
from fireline.tracing.venues.rules import ExposureRule
from fireline.tracing.venues.service import ProposalReport, propose_exposures

# The demo shows the review queue as a county might configure it: visits without
# check-out last an hour, and a quarter of an hour of shared time counts.
DEMO_RULE = ExposureRule(name="demo-venue-overlap", min_overlap_minutes=15)


def propose_demo_exposures(
    session: Session, *, disease_dir: Path | None = None, now: datetime | None = None
) -> ProposalReport:
    """Propose contacts from the demo's check-ins for every case (the whole tree)."""
    return propose_exposures(
        session,
        system_actor(),
        load_profiles(disease_dir),
        DEMO_RULE,
        now=now or datetime.now(UTC),
    )
