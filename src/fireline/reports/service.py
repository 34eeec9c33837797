"""The overview's figures per jurisdiction subtree, one grouped query each.

Every function finds the jurisdiction in the actor's scope (404 otherwise) and narrows
the actor to it (``actor.within``): scope is decided in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.care.occupancy import census
from fireline.context import Context
from fireline.db.base import InJurisdiction
from fireline.jurisdictions.service import counts_by_child
from fireline.lab.models import LabResult, Sample
from fireline.places.models import Venue
from fireline.quarantine.models import QuarantineOrder
from fireline.reports.schemas import ChildCounts, MechanismCounts
from fireline.snapshots import service as snapshots
from fireline.surveillance.counts.models import CaseDailyCount as Daily
from fireline.surveillance.trends.service import cases_by_child
from fireline.tracing.models import Contact


def _here(session: Session, actor: Actor, code: str) -> Actor:
    """The actor narrowed to the jurisdiction ``code`` in its scope (else 404)."""
    return actor.within(actor.jurisdiction(session, code))


def _count(
    session: Session, here: Actor, model: type[InJurisdiction], *conditions: ColumnElement[bool]
) -> int:
    statement = select(func.count()).select_from(model).where(*conditions)
    return int(session.scalar(here.restrict(statement, model)) or 0)


def mechanism_counts(session: Session, actor: Actor, code: str, today: date) -> MechanismCounts:
    """The headline figures of a jurisdiction in scope."""
    here = _here(session, actor, code)
    # Cases from the daily counts the database keeps (surveillance/counts), not the cases.
    statement = select(Daily.classification, func.sum(Daily.case_count)).group_by(
        Daily.classification
    )
    rows = session.execute(here.restrict(statement, Daily)).tuples()
    last_7_days = select(func.sum(Daily.case_count)).where(
        Daily.date_reporting > today - timedelta(7)
    )
    return MechanismCounts(
        jurisdiction_code=code,
        cases_by_classification={c: int(n) for c, n in rows},
        cases_last_7_days=int(session.scalar(here.restrict(last_7_days, Daily)) or 0),
        contacts=_count(session, here, Contact),
        quarantine_active=_count(session, here, QuarantineOrder, _under_quarantine()),
        samples=_count(session, here, Sample),
        positive_results=_count(session, here, LabResult, LabResult.outcome == "positive"),
        venues=_count(session, here, Venue),
        patients_in_hospital=census(session, here).patients,
    )


KIND = "overview"


def summary(session: Session, context: Context, code: str, today: date) -> MechanismCounts:
    """:func:`mechanism_counts` for the context's actor, remembered when slow to make: at
    a wave's scale the province's tiles count 10 M contacts and 25 M samples."""
    actor = context.actor
    _here(session, actor, code)  # in scope, else 404, before any snapshot is read
    found = snapshots.remembered(
        session,
        KIND,
        f"{code}|{today.isoformat()}",
        context.now(),
        lambda: mechanism_counts(session, actor, code, today),
        lambda counts: counts.model_dump(mode="json"),
        MechanismCounts.model_validate,
        context.settings.snapshot_after_s,
    )
    return found.value.model_copy(update={"as_of": found.as_of})


def refresh(session: Session, context: Context) -> int:
    """Recompute the overviews read lately and about to age; returns how many."""

    def maker(key: str) -> Callable[[], dict[str, Any]]:
        code, day = key.split("|")
        counts = partial(mechanism_counts, session, context.actor, code, date.fromisoformat(day))
        return partial(_dumped, counts)

    slow_s = context.settings.snapshot_after_s
    return snapshots.refresh_read(session, KIND, context.now(), slow_s, maker)


def _dumped(counts: Callable[[], MechanismCounts]) -> dict[str, Any]:
    return counts().model_dump(mode="json")


def _under_quarantine() -> ColumnElement[bool]:
    """People under quarantine now: their order is active (the overview's tile)."""
    return QuarantineOrder.status == "active"


def quarantine_by_child(session: Session, actor: Actor, code: str) -> dict[int, int]:
    """The overview's "under quarantine" figure for each child of ``code``, by child id."""
    here = _here(session, actor, code)
    found = counts_by_child(
        session, here, here.jurisdiction_id, QuarantineOrder, _under_quarantine()
    )
    return {j.id: n for j, n in found}


def child_counts(
    session: Session, actor: Actor, code: str, *, disease: str | None = None
) -> list[ChildCounts]:
    """Confirmed cases and incidence per 100,000 for each child jurisdiction (of every
    disease, or of one: the county matrix)."""
    rows = cases_by_child(session, _here(session, actor, code), ("confirmed",), disease=disease)
    return [
        ChildCounts(
            code=j.code,
            name_en=j.name_en,
            name_zh=j.name_zh,
            level=j.level,
            population=j.population,
            confirmed=n,
            incidence_per_100k=round(n * 100_000 / j.population, 2) if j.population else None,
        )
        for j, n in rows
    ]


def epicurve_rows(
    session: Session,
    actor: Actor,
    code: str,
    start: date,
    end: date,
    classifications: tuple[str, ...],
) -> list[tuple[date, str, int]]:
    """Cases of every disease per reporting day and classification from ``start`` to
    ``end``, one grouped query over the subtree's daily counts."""
    statement = (
        select(Daily.date_reporting, Daily.classification, func.sum(Daily.case_count))
        .where(Daily.date_reporting.between(start, end), Daily.classification.in_(classifications))
        .group_by(Daily.date_reporting, Daily.classification)
        .order_by(Daily.date_reporting, Daily.classification)
    )
    rows = session.execute(_here(session, actor, code).restrict(statement, Daily)).tuples()
    return [(day, classification, int(n)) for day, classification, n in rows]
