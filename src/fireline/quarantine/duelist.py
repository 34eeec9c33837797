"""Today's follow-up list and the flags, as SQL over all orders (docs/architecture.md,
"Set-based hot paths"): one grouped statement for the figures, one for a page of the list.

On day ``T`` an order is due when it is active and ``start_date <= T <= end_date``:
- to contact: no report yet today (staff call, or the person self-reports);
- test due: ``T`` is one of the profile's test days (bit ``T - last_exposure`` of
  ``test_mask``);
- non-reporting: no report for ``non_reporting_hours`` (24 h), counted from the order's
  creation when there was none;
- symptomatic: the last report had a red-flag symptom or fever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, Select, and_, cast, func, literal, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.db.sqlfn import day_diff
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.plans import MAX_TEST_DAY
from fireline.quarantine.positives.models import OPEN, ConversionProposal
from fireline.quarantine.schemas import DueRow, DueSummary

Q = QuarantineOrder
LISTS = ("all", "to_contact", "test_due", "non_reporting", "symptomatic", "flagged")


@dataclass(frozen=True)
class Flags:
    """The flag expressions of one day and instant."""

    active: ColumnElement[bool]
    reported_today: ColumnElement[bool]
    test_due: ColumnElement[bool]
    non_reporting: ColumnElement[bool]
    symptomatic: ColumnElement[bool]

    def chosen(self, name: str) -> ColumnElement[bool]:
        return {
            "all": self.active,
            "to_contact": ~self.reported_today,
            "test_due": self.test_due,
            "non_reporting": self.non_reporting,
            "symptomatic": self.symptomatic,
            "flagged": self.non_reporting | self.symptomatic,
        }[name]


def flags(day: date, now: datetime, non_reporting_hours: float) -> Flags:
    n = day_diff(Q.last_exposure, literal(day, Date))
    bit = Q.test_mask.bitwise_rshift(n).bitwise_and(literal(1, Integer)) == 1
    since = func.coalesce(Q.last_report_at, Q.created_at)
    # A positive result is in: the next sample is not due, the conversion is (positives/).
    proposed = ConversionProposal.order_id == Q.id, ConversionProposal.status == OPEN
    positive = select(ConversionProposal.id).where(*proposed).exists()
    return Flags(
        active=and_(Q.status == "active", Q.start_date <= day, Q.end_date >= day),
        reported_today=func.coalesce(Q.last_report_on == day, False),
        test_due=and_(Q.last_exposure.is_not(None), n >= 0, n <= MAX_TEST_DAY, bit, ~positive),
        non_reporting=since < now - timedelta(hours=non_reporting_hours),
        symptomatic=Q.last_report_symptomatic.is_(True),
    )


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(cast(condition, Integer)), 0)


def _scoped(actor: Actor, place: Jurisdiction | None, statement: Select[Any]) -> Select[Any]:
    """Orders under ``place`` (a jurisdiction in scope), else the actor's whole subtree."""
    narrowed = actor.within(place) if place is not None else actor
    return narrowed.restrict(statement, Q)


def summary_columns(f: Flags) -> list[Any]:
    return [
        func.count().label("active"),
        _count(~f.reported_today).label("to_contact"),
        _count(f.test_due).label("test_due"),
        _count(f.non_reporting).label("non_reporting"),
        _count(f.symptomatic).label("symptomatic"),
    ]


def summary(
    session: Session,
    actor: Actor,
    place: Jurisdiction | None,
    f: Flags,
    assignee_id: int | None = None,
) -> DueSummary:
    statement = select(*summary_columns(f)).select_from(Q).where(f.active)
    if assignee_id is not None:
        statement = statement.where(Q.assignee_id == assignee_id)
    row = session.execute(_scoped(actor, place, statement)).one()
    return DueSummary(**{k: int(v) for k, v in row._mapping.items()})


def summary_by_owner(session: Session, actor: Actor, f: Flags) -> list[tuple[Any, ...]]:
    """The figures per jurisdiction and investigator, for every active order in scope."""
    statement = (
        select(Q.jurisdiction_id, Q.assignee_id, *summary_columns(f))
        .where(f.active)
        .group_by(Q.jurisdiction_id, Q.assignee_id)
    )
    return [tuple(row) for row in session.execute(_scoped(actor, None, statement))]


def due_rows(
    session: Session,
    actor: Actor,
    place: Jurisdiction | None,
    f: Flags,
    *,
    which: str,
    assignee_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[DueRow], int]:
    """A page of the list, symptomatic and non-reporting first. Reads personal data: audited."""
    actor.require("persons:read")
    columns = (
        Q.id,
        Q.person_id,
        Person.name,
        Person.phone,
        Q.kind,
        Q.purpose,
        Q.end_date,
        Q.assignee_id,
        f.reported_today,
        f.test_due,
        f.non_reporting,
        f.symptomatic,
    )
    statement = (
        select(*columns).join(Person, Person.id == Q.person_id).where(f.active, f.chosen(which))
    )
    if assignee_id is not None:
        statement = statement.where(Q.assignee_id == assignee_id)
    statement = _scoped(actor, place, statement)
    total = int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
    ordered = statement.order_by(
        f.symptomatic.desc(), f.non_reporting.desc(), f.test_due.desc(), Q.end_date, Q.id
    )
    rows = [
        DueRow(
            order_id=r[0],
            person_id=r[1],
            name=r[2],
            phone=r[3],
            kind=r[4],
            purpose=r[5],
            end_date=r[6],
            assignee_id=r[7],
            reported_today=bool(r[8]),
            test_due=bool(r[9]),
            non_reporting=bool(r[10]),
            symptomatic=bool(r[11]),
        )
        for r in session.execute(ordered.limit(limit).offset(offset))
    ]
    if rows:
        audit.record(
            session,
            actor,
            "read",
            "quarantine_order",
            [r.order_id for r in rows],
            jurisdiction_id=place.id if place else None,
            list=which,
        )
    return rows, total


def order_flags(session: Session, order_id: int, f: Flags) -> list[str]:
    """The flags of one order (already loaded through the scope)."""
    row = session.execute(
        select(f.active, f.reported_today, f.test_due, f.non_reporting, f.symptomatic).where(
            Q.id == order_id
        )
    ).one()
    names = ("active", "reported_today", "test_due", "non_reporting", "symptomatic")
    return [name for name, value in zip(names, row, strict=True) if value and name != "active"]
