"""Reading the jurisdiction tree: a place's ancestors, the root's time zone. What an
actor may see of it is :mod:`fireline.jurisdictions.service`."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.places.models import Jurisdiction


def ancestors(session: Session, jurisdiction: Jurisdiction) -> list[Jurisdiction]:
    """From the root down to ``jurisdiction``, by the codes in its path."""
    codes = jurisdiction.ancestor_codes
    rows = session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(codes)))
    found = {j.code: j for j in rows}
    return [found[c] for c in codes if c in found]


def root_timezone(session: Session) -> ZoneInfo:
    """The root jurisdiction's time zone, where daily work is dated and scheduled
    (UTC before any jurisdiction exists)."""
    zone = session.scalars(
        select(Jurisdiction.timezone).order_by(Jurisdiction.depth, Jurisdiction.id).limit(1)
    ).first()
    return ZoneInfo(zone or "UTC")


def local_day(session: Session, moment: datetime, jurisdiction_id: int) -> date:
    """The calendar day of ``moment`` in a jurisdiction's time zone (docs/architecture.md,
    "Time")."""
    place = session.get_one(Jurisdiction, jurisdiction_id)
    return moment.astimezone(ZoneInfo(place.timezone)).date()
