"""Quarantine order proposals for listed contacts.

Tracing does not quarantine anyone: it writes a ``QuarantineOrder`` with status
``proposed`` (dates, place and test days from the profile's contact category, through
the quarantine mechanism's own ``plans.plan``); the quarantine mechanism's queue
confirms it (``active``) or cancels it. Set-based: one INSERT for any number of
contacts (the demo proposes for every contact at once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert
from sqlalchemy.orm import Session

from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Problem
from fireline.quarantine import plans
from fireline.quarantine.models import PROPOSED, QuarantineOrder


@dataclass(frozen=True)
class ContactFacts:
    contact_id: int
    person_id: int
    case_id: int
    jurisdiction_id: int
    category: str
    last_exposure: date


def order_rows(
    profile: DiseaseProfile, contacts: Sequence[ContactFacts], today: date
) -> tuple[list[dict[str, object]], dict[int, str]]:
    """Rows to insert, and why no order was proposed for the others (contact id → reason)."""
    rows: list[dict[str, object]] = []
    skipped: dict[int, str] = {}
    for c in contacts:
        try:
            plan = plans.plan(profile.category(c.category), c.last_exposure, today)
        except (Problem, LookupError) as exc:
            skipped[c.contact_id] = getattr(exc, "detail", str(exc))
            continue
        rows.append(
            {
                "person_id": c.person_id,
                "contact_id": c.contact_id,
                "case_id": c.case_id,
                "jurisdiction_id": c.jurisdiction_id,
                "kind": plan.kind,
                "status": PROPOSED,
                "start_date": plan.start,
                "end_date": plan.end,
                "purpose": "quarantine",
                "source": "contact",
                "disease": profile.code,
                "category": c.category,
                "last_exposure": c.last_exposure,
                "test_mask": plan.test_mask,
                "version": 1,
            }
        )
    return rows, skipped


def propose_orders(
    session: Session, profile: DiseaseProfile, contacts: Sequence[ContactFacts], today: date
) -> dict[int, str]:
    """Insert the proposals in one statement; returns the contacts left without one."""
    rows, skipped = order_rows(profile, contacts, today)
    if rows:
        session.execute(insert(QuarantineOrder), rows)
    return skipped
