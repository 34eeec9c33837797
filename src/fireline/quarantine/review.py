"""The release review: the evidence behind a release flag, and the release itself, which
a person decides with a reason (the Sara Alert "records requiring review" workflow;
WHO, "Criteria for releasing COVID-19 patients from isolation", 2020: release is a
clinical and public-health decision on the evidence, not an automatic step).

The evidence is what the profile's release rule (diseases/release.py) reads: days since
onset and since the first positive test, fever-free time from the follow-ups, the
tests and their results, the clinical criteria; each criterion of the rule is shown
with whether it is met today. A contact's quarantine has no release rule: its evidence
is the last exposure, the end date and the follow-ups, and releasing it is early.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.diseases.release import LabResult, ReleaseFacts
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Problem
from fireline.quarantine import release, staff
from fireline.quarantine.models import FollowUp, QuarantineOrder
from fireline.quarantine.orders import check_active, check_version, get_order
from fireline.surveillance.models import Case

REASON_MAX = 500


@dataclass(frozen=True)
class Criterion:
    """One criterion of the release rule: its kind, parameters, depth and today's answer."""

    depth: int
    kind: str
    values: dict[str, Any]
    met: bool


@dataclass(frozen=True)
class Evidence:
    order: QuarantineOrder
    flagged: bool | None  # None: no release rule applies (a contact's quarantine)
    onset: date | None
    days_since_onset: int | None
    first_positive: date | None
    days_since_first_positive: int | None
    days_since_exposure: int | None
    fever_free_since: datetime | None
    fever_free_hours: int | None
    reports: int
    febrile_reports: int
    tests: list[LabResult]
    criteria: list[Criterion]


def _since(day: date | None, today: date) -> int | None:
    return None if day is None else (today - day).days


def _criteria(rules: tuple[Any, ...], known: ReleaseFacts, depth: int = 0) -> list[Criterion]:
    out: list[Criterion] = []
    for rule in rules:
        values = rule.model_dump(exclude={"kind", "rules"})
        out.append(Criterion(depth, rule.kind, values, rule.is_met(known)))
        if rule.kind == "group":
            out.extend(_criteria(rule.rules, known, depth + 1))
    return out


def _reports(session: Session, order_id: int) -> tuple[int, int]:
    """(reports, febrile reports) of the order: fever-free time is counted from them."""
    fever = func.sum(case((FollowUp.fever, 1), else_=0))
    row = session.execute(
        select(func.count(), fever).where(FollowUp.order_id == order_id, FollowUp.reached)
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def evidence(
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    now: datetime,
    today: date,
    profiles: Mapping[str, DiseaseProfile],
) -> Evidence:
    """What the reviewer decides on (health data of one person: read through the order,
    whose read the detail page audits; this read is audited too)."""
    order = get_order(session, actor, order_id)
    onset = session.scalar(select(Case.date_onset).where(Case.id == order.case_id))
    tests = release.person_tests(session, order.person_id, order.disease)
    known = release.facts(order, onset or order.onset_date, tests, now)
    profile = profiles.get(order.disease or "")
    rule = profile.isolation_release if profile and order.purpose == "isolation" else None
    criteria = _criteria(tuple(rule.rules), known) if rule else []
    reports, febrile = _reports(session, order.id)
    free = known.fever_free_since
    audit.record(
        session,
        actor,
        "read",
        "release_evidence",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
    )
    return Evidence(
        order=order,
        flagged=rule.is_met(known) if rule else None,
        onset=known.onset,
        days_since_onset=_since(known.onset, today),
        first_positive=known.first_positive,
        days_since_first_positive=_since(known.first_positive, today),
        days_since_exposure=_since(order.last_exposure, today),
        fever_free_since=free,
        fever_free_hours=None if free is None else int((now - free).total_seconds() // 3600),
        reports=reports,
        febrile_reports=febrile,
        tests=tests,
        criteria=criteria,
    )


def release_reviewed(
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    reason: str,
    now: datetime,
    today: date,
) -> QuarantineOrder:
    """Release after review, with the reviewer's reason (required): by a case worker, or
    by the staff of the facility holding the order. The self-report link dies with it."""
    order = get_order(session, actor, order_id)
    staff.require_operator(session, actor, order)
    check_version(order, version)
    check_active(order)
    reason = reason.strip()
    if not reason:
        raise Problem(422, "give the reason for the release")
    if len(reason) > REASON_MAX:
        raise Problem(422, f"the reason is longer than {REASON_MAX} characters")
    order.status = "released"
    order.closed_at, order.closed_by, order.close_reason = now, actor.user_id, reason
    if order.start_date <= today:
        order.end_date = min(order.end_date, today)
    order.report_token_hash = None
    session.flush()
    audit.record(
        session,
        actor,
        "release",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        reviewed=True,
    )
    return order
