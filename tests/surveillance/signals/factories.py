"""Daily case series for signal tests, written straight into the cases table."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from fireline.surveillance.signals.models import Alert
from tests.people.factories import make_person


def add_daily_cases(
    session: Session,
    jurisdiction: Jurisdiction,
    end: date,
    counts: list[int],
    disease: str = "covid19",
    classification: str = "confirmed",
    onset_lag: int | None = None,
    imported: bool = False,
) -> None:
    """``counts[i]`` cases reported on ``end - (len(counts) - 1 - i)``, with onset
    ``onset_lag`` days earlier (no onset when ``onset_lag`` is None)."""
    person = make_person(session, jurisdiction)
    first = end - timedelta(days=len(counts) - 1)
    rows = [
        {
            "person_id": person.id,
            "disease": disease,
            "classification": classification,
            "date_reporting": first + timedelta(days=i),
            "date_onset": None if onset_lag is None else first + timedelta(days=i - onset_lag),
            "jurisdiction_id": jurisdiction.id,
            "source": "test",
            "imported": imported,
            "version": 1,
        }
        for i, n in enumerate(counts)
        for _ in range(n)
    ]
    if rows:
        session.execute(insert(Case), rows)
    session.flush()


def make_alert(
    session: Session, jurisdiction: Jurisdiction, day: date = date(2026, 3, 31)
) -> Alert:
    alert = Alert(
        jurisdiction_id=jurisdiction.id,
        disease="covid19",
        signal_date=day,
        method="ears-c2",
        observed=12,
        expected=3,
        threshold=7,
        score=1.8,
    )
    session.add(alert)
    session.flush()
    return alert
