"""The daily signal run, and deciding on the alerts it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final

import numpy as np
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from fireline.analytics import earsc
from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Jurisdiction
from fireline.surveillance.signals.models import Alert
from fireline.surveillance.signals.series import (
    TreeSeries,
    daily_by_jurisdiction,
    diseases_with_cases,
)

# EARS C1, C2 and C3 with the CDC's daily defaults: a 7-day baseline, C2 and C3
# lagged by 2 days (Hutwagner et al. 2003, doi:10.1093/jurban/jtg020; R
# surveillance::earsC).
METHODS = {"ears-c1": "C1", "ears-c2": "C2", "ears-c3": "C3"}


@dataclass(frozen=True)
class SignalOptions:
    """What the daily run computes; the defaults are EARS's own."""

    methods: tuple[str, ...] = ("ears-c2", "ears-c3")
    baseline: int = 7
    # A deployment's noise floor, not part of EARS: one case on a quiet day
    # crosses a zero-width bound, and staff stop reading alerts that fire on one.
    min_count: int = 3
    # R surveillance::earsC's minSigma: a floor on the baseline sd. Without it a
    # county with a week of zeros alarms, with an infinite score, on any count.
    min_sigma: float = 1.0


@dataclass(frozen=True)
class RunSummary:
    signal_date: date
    series: int
    alerts: int


# A baseline with no variation makes any rise infinitely many sds: the score
# is capped so that it stays a number people (and JSON) can read.
MAX_SCORE = 99.0


def ears_score(statistic: float, h: float) -> float:
    """The EARS statistic over its alarm level h: above 1 is an alarm (Hutwagner et al. 2003)."""
    return float(min(statistic / h, MAX_SCORE)) if np.isfinite(statistic) else MAX_SCORE


def _alarms(series: TreeSeries, method: str, options: SignalOptions) -> list[dict[str, Any]]:
    found = []
    for row, jurisdiction_id in enumerate(series.jurisdiction_ids):
        y = series.counts[row].astype(float)
        if y[-1] < options.min_count:
            continue
        result = earsc(
            y,
            method=METHODS[method],  # type: ignore[arg-type]
            baseline=options.baseline,
            min_sigma=options.min_sigma,
            t=[y.size],
        )
        observed, threshold = float(result.observed[0]), float(result.threshold[0])
        if not bool(result.alarm[0]) or np.isnan(threshold):
            continue
        expected = float(result.expected[0])
        found.append(
            {
                "jurisdiction_id": jurisdiction_id,
                "method": method,
                "observed": observed,
                "expected": expected,
                "threshold": threshold,
                "score": ears_score(float(result.statistic[0]), result.h),
            }
        )
    return found


def run_signals(
    session: Session, actor: Actor, signal_date: date, options: SignalOptions | None = None
) -> RunSummary:
    """Compute every method for every jurisdiction and disease; upsert alerts for alarms."""
    return store_alarms(session, actor, compute_alarms(session, signal_date, options))


@dataclass
class Alarms:
    """What a signal run found, computed by reading only (``compute_alarms``)."""

    signal_date: date
    series: int = 0
    by_disease: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)


def compute_alarms(
    session: Session, signal_date: date, options: SignalOptions | None = None
) -> Alarms:
    """Every method on every jurisdiction's series; reads only, so the job runs it
    in a reading session and holds the write lock only for ``store_alarms``."""
    options = options or SignalOptions()
    # C3 reads C2 on the last 3 days, each with a 2-day lag: baseline + 4 + 1 days.
    history = options.baseline + 5
    found = Alarms(signal_date)
    for disease in diseases_with_cases(session, signal_date - timedelta(days=history)):
        series = daily_by_jurisdiction(session, disease, signal_date, history)
        found.series += len(series.jurisdiction_ids)
        alarms = [a for method in options.methods for a in _alarms(series, method, options)]
        found.by_disease.append((disease, alarms))
    return found


def store_alarms(session: Session, actor: Actor, found: Alarms) -> RunSummary:
    """Upsert the alerts of a run and audit it."""
    total_alerts = 0
    for disease, alarms in found.by_disease:
        for alarm in alarms:
            _upsert(session, disease, found.signal_date, alarm)
            total_alerts += 1
    audit.record(
        session, actor, "run", "signals", date=found.signal_date.isoformat(), alerts=total_alerts
    )
    return RunSummary(found.signal_date, found.series, total_alerts)


def _upsert(session: Session, disease: str, signal_date: date, alarm: dict[str, Any]) -> None:
    """A re-run refreshes the figures of an open alert and never reopens a decided one."""
    existing = session.scalars(
        select(Alert).where(
            Alert.jurisdiction_id == alarm["jurisdiction_id"],
            Alert.disease == disease,
            Alert.signal_date == signal_date,
            Alert.method == alarm["method"],
        )
    ).first()
    if existing is None:
        session.add(Alert(disease=disease, signal_date=signal_date, **alarm))
    elif existing.status == "open":
        for key in ("observed", "expected", "threshold", "score"):
            setattr(existing, key, alarm[key])
    session.flush()


ALERT_FILTERS: Final = ("status", "disease", "jurisdiction")
ALERT_STATUSES: Final = ("open", "acknowledged", "dismissed")


def alert_spec(session: Session, actor: Actor) -> ListSpec:
    """How the alert list filters and sorts: newest signal first, then the strongest."""

    def within(code: str) -> ColumnElement[bool]:
        # A place outside the scope answers 404, as a missing one does.
        return actor.within(actor.jurisdiction(session, code)).covers(Alert.jurisdiction_id)

    return ListSpec(
        sorts={
            "newest": (Alert.signal_date, Alert.score, Alert.id),
            "score": (Alert.score, Alert.signal_date, Alert.id),
        },
        default_sort="newest",
        filters={
            "status": lambda text: Alert.status == text if text in ALERT_STATUSES else None,
            "disease": lambda text: Alert.disease == text,
            "jurisdiction": within,
        },
    )


def list_alerts(
    session: Session, actor: Actor, query: ListQuery
) -> tuple[list[tuple[Alert, Jurisdiction]], int]:
    """One page of the alerts in scope with their jurisdictions, and the total: the
    dashboard's open alerts, the API's list and the command's are this one list."""
    statement = actor.restrict(
        select(Alert, Jurisdiction).join(Jurisdiction, Jurisdiction.id == Alert.jurisdiction_id),
        Alert,
    )
    return search_filter_sort_paginate(
        session, statement, alert_spec(session, actor), query, scalars=False
    )


def decide(
    session: Session,
    actor: Actor,
    alert_id: int,
    *,
    action: str,
    reason: str | None,
    version: int,
    now: datetime,
) -> Alert:
    """Acknowledge an alert, or dismiss it with a reason; a stale version is a 409."""
    actor.require("cases:write")
    alert: Alert = actor.get(session, Alert, alert_id, f"alert {alert_id}")
    if alert.version != version:
        raise Conflict(f"alert {alert_id} is at version {alert.version}, not {version}")
    if action == "dismiss" and not (reason or "").strip():
        raise Problem(422, "a dismissed alert needs a reason")
    alert.status = {"acknowledge": "acknowledged", "dismiss": "dismissed"}[action]
    alert.reason, alert.decided_by = reason, actor.user_id
    alert.decided_at = now
    session.flush()
    audit.record(session, actor, action, "alert", [alert.id], jurisdiction_id=alert.jurisdiction_id)
    return alert
