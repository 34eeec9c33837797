"""What every section query of "My work" shares: the reader's frame (scope, day, clock),
one statement per section, and the audit of personal data read.

A section is one SELECT: the rows of the page and, beside each, the size of the whole
list as a window count (``count(*) OVER ()``, evaluated before LIMIT by SQLite and
PostgreSQL alike), so that a section costs one round trip and its count and its items
come from the same snapshot (docs/architecture.md, "Set-based hot paths").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.places.models import Jurisdiction
from fireline.response.lights import utc as utc  # re-exported: the sections' instants

TOTAL = "work_total"


@dataclass(frozen=True)
class Frame:
    """One reader's view: the context (its actor narrowed to ``place``), the day there,
    the instant, and which rows of a section to return."""

    session: Session
    context: Context
    place: Jurisdiction
    day: date
    now: datetime
    non_reporting_hours: float
    limit: int
    offset: int = 0
    language: str = "en"  # of the names of places and tasks

    @property
    def actor(self) -> Actor:
        return self.context.actor


def paged(frame: Frame, statement: Select[Any]) -> tuple[list[Row[Any]], int]:
    """The rows of the frame's page and the size of the whole list, in one statement."""
    counted = statement.add_columns(func.count().over().label(TOTAL))
    rows = list(frame.session.execute(counted.limit(frame.limit).offset(frame.offset)))
    if rows:
        return rows, int(rows[0]._mapping[TOTAL])
    if frame.offset == 0:
        return [], 0
    # Past the end of the list: the window saw no row, so count once.
    whole = select(func.count()).select_from(statement.order_by(None).subquery())
    return [], int(frame.session.scalar(whole) or 0)


def audited(
    frame: Frame, entity: str, key: str, ids: Iterable[int], persons: Iterable[int] = ()
) -> None:
    """Record the read of the personal data a section showed (ids only, never names;
    docs/architecture.md, "Audit"). Nothing shown, nothing recorded."""
    shown = [int(i) for i in ids]
    if not shown:
        return
    audit.record(
        frame.session,
        frame.actor,
        "read",
        entity,
        shown,
        jurisdiction_id=frame.place.id,
        list=f"work:{key}",
        persons=sorted({int(p) for p in persons}),
    )
