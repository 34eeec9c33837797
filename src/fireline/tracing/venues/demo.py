"""Venue exposures for the demo: called after ``load_outbreak`` has written check-ins."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.diseases.loader import load_profiles
from fireline.surveillance.models import Case
from fireline.tracing.venues.rules import ExposureRule
from fireline.tracing.venues.service import ProposalReport, propose_exposures

# The demo shows the review queue as a county might configure it: visits without
# check-out last an hour, and a quarter of an hour of shared time counts.
DEMO_RULE = ExposureRule(name="demo-venue-overlap", min_overlap_minutes=15)
# The queue holds the proposals of the newest cases only: a county decides them as its
# cases come in, so the wave's older cases would have none left waiting. Every case of
# the default demo (3,000) is traced; a larger wave's exposures grow with the square of
# its check-ins per venue (1.6 M proposals at 20,000 cases for every case), so tracing
# all of them would make the demo's load, not its queue, the largest thing in it.
TRACED_CASES: Final = 3000


def newest_cases(session: Session, limit: int = TRACED_CASES) -> list[int]:
    """The ``limit`` cases reported last (not discarded): the ones still being traced."""
    newest = (
        select(Case.id)
        .where(Case.classification != "discarded")
        .order_by(Case.date_reporting.desc(), Case.id.desc())
        .limit(limit)
    )
    return list(session.scalars(newest))


def propose_demo_exposures(
    session: Session,
    *,
    disease_dir: Path | None = None,
    now: datetime | None = None,
    traced: int = TRACED_CASES,
) -> ProposalReport:
    """Propose contacts from the demo's check-ins for the ``traced`` newest cases (the
    whole tree)."""
    return propose_exposures(
        session,
        system_actor(),
        load_profiles(disease_dir),
        DEMO_RULE,
        case_ids=newest_cases(session, traced),
        now=now or datetime.now(UTC),
    )
