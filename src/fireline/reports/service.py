"""Counts per jurisdiction subtree, one grouped query each."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from fireline.auth.scope import Actor
from fireline.db.base import InJurisdiction
from fireline.lab.models import LabResult, Sample
from fireline.places.models import Jurisdiction, Venue, subtree_ids
from fireline.quarantine.models import QuarantineOrder
from fireline.reports.schemas import ChildCounts, MechanismCounts
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact


def _count(
    session: Session, model: type[InJurisdiction], path: str, *conditions: ColumnElement[bool]
) -> int:
    in_subtree = model.jurisdiction_id.in_(subtree_ids(path))
    statement = select(func.count()).select_from(model).where(in_subtree, *conditions)
    return int(session.scalar(statement) or 0)


def mechanism_counts(session: Session, actor: Actor, code: str, today: date) -> MechanismCounts:
    """The headline figures of a jurisdiction in scope."""
    jurisdiction = actor.jurisdiction(session, code)
    path = jurisdiction.path
    rows = session.execute(
        select(Case.classification, func.count())
        .where(Case.jurisdiction_id.in_(subtree_ids(path)))
        .group_by(Case.classification)
    ).all()
    return MechanismCounts(
        jurisdiction_code=code,
        cases_by_classification={c: int(n) for c, n in rows},
        cases_last_7_days=_count(session, Case, path, Case.date_reporting > today - timedelta(7)),
        contacts=_count(session, Contact, path),
        quarantine_active=_count(
            session, QuarantineOrder, path, QuarantineOrder.status == "active"
        ),
        samples=_count(session, Sample, path),
        positive_results=_count(session, LabResult, path, LabResult.outcome == "positive"),
        venues=_count(session, Venue, path),
    )


def child_counts(session: Session, actor: Actor, code: str) -> list[ChildCounts]:
    """Confirmed cases and incidence per 100,000 for each child jurisdiction."""
    parent = actor.jurisdiction(session, code)
    child = aliased(Jurisdiction)
    under = aliased(Jurisdiction)
    confirmed = (
        select(child.id, func.count(Case.id).label("n"))
        .join(under, (under.path >= child.path) & (under.path < child.path + "~"))
        .join(Case, (Case.jurisdiction_id == under.id) & (Case.classification == "confirmed"))
        .where(child.parent_id == parent.id)
        .group_by(child.id)
        .subquery()
    )
    rows = session.execute(
        select(Jurisdiction, func.coalesce(confirmed.c.n, 0))
        .outerjoin(confirmed, confirmed.c.id == Jurisdiction.id)
        .where(Jurisdiction.parent_id == parent.id)
        .order_by(Jurisdiction.code)
    ).all()
    return [
        ChildCounts(
            code=j.code,
            name_en=j.name_en,
            name_zh=j.name_zh,
            level=j.level,
            population=j.population,
            confirmed=int(n),
            incidence_per_100k=round(n * 100_000 / j.population, 2) if j.population else None,
        )
        for j, n in rows
    ]
