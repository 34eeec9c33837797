"""Which cases' evidence may have changed since the sweep last looked.

A running worker re-checked every open task's evidence each minute: at a 600,000-case
wave, 539,500 open quarantine tasks whose cases' 10 M contacts were joined to 7 M
orders, 37 s of the database's time every minute (docs/benchmarks.md, "The worker's
minute on the wave"). Evidence only appears when a row is added (a task, a contact, an
order, a sample: ids grow in the order rows are added) or an order is decided
(``updated_at``), so between full checks the sweep looks only at the cases those rows
touch.

Marks are kept in the worker's memory, one set per check, and a check starts from the
marks taken ``OVERLAP`` earlier, not the last ones: a row written by a transaction that
was still open when the marks were read has an id below them, and so would otherwise be
missed. A full check runs when the worker starts and every ``full_every`` after, for
what neither an id nor ``updated_at`` shows (a person merged, a raw SQL update, a
transaction open longer than the overlap).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import CompoundSelect, Select, func, select, union
from sqlalchemy.orm import Session

from fireline.lab.models import Sample
from fireline.quarantine.models import QuarantineOrder
from fireline.response.lights import utc
from fireline.response.models import ResponseTask
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact

OVERLAP = timedelta(minutes=15)


@dataclass(frozen=True)
class Marks:
    """The highest id of each evidence table, and the wall-clock instant, at one check."""

    taken_at: datetime
    tasks: int
    contacts: int
    orders: int
    samples: int


def take(session: Session, now: datetime) -> Marks:
    """The marks at the sweep's ``now``: one statement, four index lookups. An order's
    ``updated_at`` is stamped by the wall clock (``db.base.utcnow``) or by the deciding
    request's clock, so the instant is the earlier of the two: no decision made after
    it is stamped before it."""
    taken_at = min(utc(now), datetime.now(UTC))
    row = session.execute(
        select(
            select(func.max(ResponseTask.id)).scalar_subquery(),
            select(func.max(Contact.id)).scalar_subquery(),
            select(func.max(QuarantineOrder.id)).scalar_subquery(),
            select(func.max(Sample.id)).scalar_subquery(),
        )
    ).one()
    return Marks(taken_at, *(int(value or 0) for value in row))


def changed_cases(since: Marks) -> CompoundSelect[Any]:
    """Ids of the cases whose evidence may differ from what the check at ``since`` saw."""
    order = QuarantineOrder
    order_changed = (order.id > since.orders) | (order.updated_at >= since.taken_at)
    parts: list[Select[Any]] = [
        select(ResponseTask.case_id).where(ResponseTask.id > since.tasks),
        select(Contact.case_id).where(Contact.id > since.contacts),
        select(Contact.case_id).join(order, order.contact_id == Contact.id).where(order_changed),
        select(Case.id)
        .join(order, order.person_id == Case.person_id)
        .where(order.contact_id.is_(None), order_changed),
        select(Contact.case_id)
        .join(Sample, Sample.person_id == Contact.person_id)
        .where(Sample.id > since.samples),
    ]
    return union(*parts)


@dataclass
class EvidenceWatch:
    """The marks of a running worker's recent checks (one per process; a second worker
    keeps its own, and checks no less for it)."""

    full_every: timedelta = timedelta(hours=1)
    overlap: timedelta = OVERLAP
    _marks: deque[Marks] = field(default_factory=deque)
    _full_at: datetime | None = None

    def since(self, at: datetime) -> Marks | None:
        """What a check at wall-clock ``at`` starts from; None: a full check is due."""
        if self._full_at is None or at - self._full_at >= self.full_every or not self._marks:
            return None
        settled = [m for m in self._marks if m.taken_at <= at - self.overlap]
        return settled[-1] if settled else self._marks[0]

    def checked(self, marks: Marks, full: bool) -> None:
        """Record a check that began with ``marks``; keep only those still needed."""
        if full:
            self._full_at = marks.taken_at
            self._marks.clear()
        self._marks.append(marks)
        while len(self._marks) > 1 and self._marks[1].taken_at <= marks.taken_at - self.overlap:
            self._marks.popleft()
