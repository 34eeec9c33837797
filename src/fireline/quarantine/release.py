"""Release flags of cases in isolation: flagged for a person's review, never released
automatically (the Sara Alert "records requiring review" workflow).

The facts of every active isolation in scope are read in three set-based statements
(orders, lab results, nothing per row); the profile's rule (``IsolationRelease.is_met``,
e.g. COVID-19 NHC diagnosis plan 9: 72 h fever-free, respiratory symptoms improved, two
tests 24 h apart negative or Ct >= 35) is then evaluated in memory per case, because the
rule is data of any shape. Isolations number in the tens of thousands at the reference
scale, not millions; the million-order hot path is the due list (duelist.py).
An extended isolation date (``review_after``) suppresses the flag until that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, literal, or_, select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.diseases.release import LabResult as Result
from fireline.diseases.release import ReleaseFacts
from fireline.diseases.schemas import DiseaseProfile
from fireline.lab.models import LabResult, Sample
from fireline.listing import ListQuery
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.schemas import ReleaseFlag
from fireline.surveillance.models import Case

Q = QuarantineOrder


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _tests(session: Session, person_ids: Select[Any]) -> dict[tuple[int, str], list[Result]]:
    """Results per (person, disease), one statement for all isolations."""
    found: dict[tuple[int, str], list[Result]] = defaultdict(list)
    rows = session.execute(
        select(
            Sample.person_id,
            Sample.disease,
            Sample.collected_at,
            LabResult.outcome,
            LabResult.ct_value,
        )
        .join(LabResult, LabResult.sample_id == Sample.id)
        .where(Sample.person_id.in_(person_ids))
    )
    for person, disease, taken, outcome, ct in rows:
        found[(person, disease)].append(Result(_utc(taken), outcome == "positive", ct))
    return found


def person_tests(session: Session, person_id: int, disease: str | None) -> list[Result]:
    """One person's results of one disease, oldest first: the review's evidence."""
    found = _tests(session, select(literal(person_id)))
    return sorted(found.get((person_id, disease or ""), []), key=lambda t: t.taken_at)


def facts(
    order: QuarantineOrder, onset: date | None, tests: list[Result], now: datetime
) -> ReleaseFacts:
    positives = [t.taken_at.date() for t in tests if t.positive]
    return ReleaseFacts(
        now=now,
        onset=onset,
        first_positive=min(positives) if positives else None,
        fever_free_since=_utc(order.fever_free_since) if order.fever_free_since else None,
        tests=tuple(tests),
        clinical=frozenset(order.clinical or ()),
    )


def release_flags(
    session: Session,
    actor: Actor,
    place: Jurisdiction | None,
    *,
    now: datetime,
    today: date,
    profiles: Mapping[str, DiseaseProfile],
) -> list[ReleaseFlag]:
    """Active isolations in scope whose profile rule is met today and not suppressed."""
    actor.require("records:read")
    statement = (
        select(Q, Case.date_onset)
        .outerjoin(Case, Case.id == Q.case_id)
        .where(Q.status == "active", Q.purpose == "isolation")
        .where(or_(Q.review_after.is_(None), Q.review_after <= today))
        .order_by(Q.start_date, Q.id)
    )
    statement = (actor.within(place) if place is not None else actor).restrict(statement, Q)
    rows = session.execute(statement).all()
    people = statement.with_only_columns(Q.person_id).order_by(None)
    tests = _tests(session, people) if rows else {}
    flagged: list[ReleaseFlag] = []
    for order, onset in rows:
        profile = profiles.get(order.disease or "")
        if profile is None:
            continue
        known = facts(order, onset, tests.get((order.person_id, order.disease or ""), []), now)
        if profile.isolation_release.is_met(known):
            flagged.append(
                ReleaseFlag(
                    order_id=order.id,
                    case_id=order.case_id,
                    person_id=order.person_id,
                    start_date=order.start_date,
                    review_after=order.review_after,
                )
            )
    return flagged


def list_release_flags(
    session: Session,
    actor: Actor,
    place: Jurisdiction | None,
    query: ListQuery,
    *,
    now: datetime,
    today: date,
    profiles: Mapping[str, DiseaseProfile],
) -> tuple[list[ReleaseFlag], int]:
    """A page of the release flags and how many: isolated longest first, or (``sort``
    ``isolated``) in the order asked. The rule is evaluated in memory, so the page is cut
    from every flag."""
    flagged = release_flags(session, actor, place, now=now, today=today, profiles=profiles)
    if query.sort == "isolated" and query.descending:
        flagged.reverse()
    return flagged[query.offset : query.offset + query.limit], len(flagged)
