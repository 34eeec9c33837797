"""The testing overview's figures: samples and results (the last 24 hours too), results by
test and outcome, the latest positives. Each figure is one statement over the context's
scope (the actor narrowed to the jurisdiction shown); counts name nobody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.lab.models import LabResult, Sample
from fireline.places.models import Jurisdiction

LATEST: Final = 15
DAY: Final = timedelta(hours=24)
Positive = tuple[LabResult, Sample, Jurisdiction]


@dataclass(frozen=True)
class Overview:
    samples: int
    samples_24h: int
    results: int
    positives: int
    positives_24h: int
    tests: dict[str, dict[str, int]]  # test type -> outcome -> results
    outcomes: list[str]  # positive first
    latest: list[Positive]


def _count(session: Session, actor: Actor, model: Any, *conditions: ColumnElement[bool]) -> int:
    statement = select(func.count()).select_from(model).where(*conditions)
    return int(session.scalar(actor.restrict(statement, model)) or 0)


def by_test(session: Session, actor: Actor) -> dict[str, dict[str, int]]:
    """Current results by test type, then outcome."""
    statement = actor.restrict(
        select(LabResult.test_type, LabResult.outcome, func.count())
        .where(LabResult.current.is_(True))
        .group_by(LabResult.test_type, LabResult.outcome),
        LabResult,
    )
    table: dict[str, dict[str, int]] = {}
    for test_type, outcome, n in session.execute(statement):
        table.setdefault(test_type, {})[outcome] = int(n)
    return dict(sorted(table.items()))


def latest_positives(session: Session, actor: Actor) -> list[Positive]:
    """The newest positive results (the page hides barcodes from roles without
    ``persons:read``)."""
    statement = (
        select(LabResult, Sample, Jurisdiction)
        .join(Sample, Sample.id == LabResult.sample_id)
        .join(Jurisdiction, Jurisdiction.id == LabResult.jurisdiction_id)
        .where(LabResult.outcome == "positive", LabResult.current.is_(True))
        .order_by(LabResult.resulted_at.desc(), LabResult.id.desc())
        .limit(LATEST)
    )
    return [(r, s, j) for r, s, j in session.execute(actor.restrict(statement, LabResult))]


def overview(session: Session, context: Context) -> Overview:
    """The figures of the testing landing page, as of the context's clock."""
    actor = context.actor
    actor.require("records:read")
    since = context.now() - DAY
    current, positive = LabResult.current.is_(True), LabResult.outcome == "positive"
    tests = by_test(session, actor)
    outcomes = sorted({o for row in tests.values() for o in row}, key=lambda o: o != "positive")
    return Overview(
        samples=_count(session, actor, Sample),
        samples_24h=_count(session, actor, Sample, Sample.collected_at >= since),
        results=_count(session, actor, LabResult, current),
        positives=_count(session, actor, LabResult, current, positive),
        positives_24h=_count(
            session, actor, LabResult, current, positive, LabResult.resulted_at >= since
        ),
        tests=tests,
        outcomes=outcomes,
        latest=latest_positives(session, actor),
    )
