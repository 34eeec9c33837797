"""The daily signal run, and deciding on the alerts it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final, Literal

import numpy as np
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from fireline.analytics import earsc
from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Jurisdiction
from fireline.surveillance.signals.farrington import (
    FARRINGTON,
    HistoryRule,
    farrington_alarms,
    last_complete_week,
    years_of_history,
)
from fireline.surveillance.signals.models import Alert
from fireline.surveillance.signals.series import (
    TreeSeries,
    daily_by_jurisdiction,
    diseases_with_cases,
    reporting_spans,
)

# EARS C1, C2 and C3 with the CDC's daily defaults: a 7-day baseline, C2 and C3
# lagged by 2 days (Hutwagner et al. 2003, doi:10.1093/jurban/jtg020; R
# surveillance::earsC).
METHODS = {"ears-c1": "C1", "ears-c2": "C2", "ears-c3": "C3"}
ALL_METHODS: Final = (*METHODS, FARRINGTON)


@dataclass(frozen=True)
class SignalOptions:
    """What the daily run computes: EARS with its own defaults, and Farrington
    (flexible) on weekly counts where the history allows (signals/farrington.py)."""

    methods: tuple[str, ...] = ("ears-c2", "ears-c3", FARRINGTON)
    baseline: int = 7
    # A deployment's noise floor, not part of EARS: one case on a quiet day
    # crosses a zero-width bound, and staff stop reading alerts that fire on one.
    min_count: int = 3
    # R surveillance::earsC's minSigma: a floor on the baseline sd. Without it a
    # county with a week of zeros alarms, with an infinite score, on any count.
    min_sigma: float = 1.0
    # The deployment's week system (FIRELINE_WEEK_SYSTEM) for Farrington's weeks.
    week_system: Literal["iso", "mmwr"] = "iso"
    history: HistoryRule = field(default_factory=HistoryRule)


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


def carried_by_days_before(y: np.ndarray, h: float, options: SignalOptions) -> bool:
    """Whether C3 passes its level on the two days before alone, so that any count
    today signals: C3_t sums max(0, C2 - 1) over t-2 .. t (Hutwagner et al. 2003),
    and the CDC bound is then no count at all (analytics/ears.py reports it as 0)."""
    before = earsc(
        y,
        method="C2",
        baseline=options.baseline,
        min_sigma=options.min_sigma,
        t=[y.size - 2, y.size - 1],
    )
    return float(np.maximum(0.0, before.statistic - 1.0).sum()) > h


def _alarms(
    series: TreeSeries, method: str, options: SignalOptions, signal_date: date
) -> list[dict[str, Any]]:
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
        carried = method == "ears-c3" and carried_by_days_before(y, result.h, options)
        found.append(
            {
                "jurisdiction_id": jurisdiction_id,
                "signal_date": signal_date,
                "method": method,
                "observed": observed,
                "expected": float(result.expected[0]),
                "threshold": None if carried else threshold,
                "threshold_note": "any-count" if carried else None,
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
    farrington_series: int = 0  # weekly series examined (0: no disease had the history)
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
    ears = [m for m in options.methods if m in METHODS]
    for disease in diseases_with_cases(session, signal_date - timedelta(days=history)):
        series = daily_by_jurisdiction(session, disease, signal_date, history)
        found.series += len(series.jurisdiction_ids)
        alarms = [a for m in ears for a in _alarms(series, m, options, signal_date)]
        found.by_disease.append((disease, alarms))
    if FARRINGTON in options.methods:
        _add_farrington(session, found, options)
    return found


def _add_farrington(session: Session, found: Alarms, options: SignalOptions) -> None:
    """Farrington on the last complete week, for each disease whose reports go back
    far enough (``years_of_history``) and that had cases in the last 4 weeks."""
    week_end = last_complete_week(found.signal_date, options.week_system)
    by_disease = dict(found.by_disease)
    for disease, (first, last) in sorted(reporting_spans(session).items()):
        years = years_of_history(first, week_end, options.history)
        if years < options.history.min_years or last <= week_end - timedelta(days=28):
            continue
        series, alarms = farrington_alarms(session, disease, week_end, years, options.history)
        found.farrington_series += series
        by_disease.setdefault(disease, []).extend(alarms)
    found.by_disease = sorted(by_disease.items())


def store_alarms(session: Session, actor: Actor, found: Alarms) -> RunSummary:
    """Upsert the alerts of a run and audit it."""
    total_alerts = 0
    for disease, alarms in found.by_disease:
        for alarm in alarms:
            _upsert(session, disease, alarm)
            total_alerts += 1
    audit.record(
        session, actor, "run", "signals", date=found.signal_date.isoformat(), alerts=total_alerts
    )
    return RunSummary(found.signal_date, found.series, total_alerts)


def _upsert(session: Session, disease: str, alarm: dict[str, Any]) -> None:
    """A re-run refreshes the figures of an open alert and never reopens a decided one."""
    existing = session.scalars(
        select(Alert).where(
            Alert.jurisdiction_id == alarm["jurisdiction_id"],
            Alert.disease == disease,
            Alert.signal_date == alarm["signal_date"],
            Alert.method == alarm["method"],
        )
    ).first()
    if existing is None:
        session.add(Alert(disease=disease, **alarm))
    elif existing.status == "open":
        for key in ("observed", "expected", "threshold", "threshold_note", "score"):
            setattr(existing, key, alarm[key])
    session.flush()


ALERT_FILTERS: Final = ("status", "method", "disease", "jurisdiction", "signal_from", "signal_to")
ALERT_STATUSES: Final = ("open", "acknowledged", "dismissed")
# What the list's status filter offers: the stored states, "closed" for a decided
# alert (acknowledged or dismissed) and "all".
STATUS_CHOICES: Final = ("open", "closed", "acknowledged", "dismissed", "all")
ALERT_SORTS: Final = ("newest", "score", "observed", "place", "disease", "method")


def _status(text: str) -> ColumnElement[bool] | None:
    if text == "closed":
        return Alert.status.in_(("acknowledged", "dismissed"))
    return Alert.status == text if text in ALERT_STATUSES else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _signal_from(text: str) -> ColumnElement[bool] | None:
    day = _day(text)
    return Alert.signal_date >= day if day else None


def _signal_to(text: str) -> ColumnElement[bool] | None:
    day = _day(text)
    return Alert.signal_date <= day if day else None


def _search(text: str) -> list[ColumnElement[bool]]:
    """An alert number (#12), or a jurisdiction's code or name."""
    terms = [
        Jurisdiction.code.startswith(text, autoescape=True),
        Jurisdiction.name_en.contains(text, autoescape=True),
        Jurisdiction.name_zh.contains(text, autoescape=True),
    ]
    number = text.lstrip("#")
    if number.isdigit() and int(number) < 2**63:
        terms.append(Alert.id == int(number))
    return terms


def alert_spec(session: Session, actor: Actor) -> ListSpec:
    """How the alert list filters and sorts: newest signal first, then the strongest."""

    def within(code: str) -> ColumnElement[bool]:
        # A place outside the scope answers 404, as a missing one does.
        return actor.within(actor.jurisdiction(session, code)).covers(Alert.jurisdiction_id)

    return ListSpec(
        sorts={
            "newest": (Alert.signal_date, Alert.score, Alert.id),
            "score": (Alert.score, Alert.signal_date, Alert.id),
            "observed": (Alert.observed, Alert.signal_date, Alert.id),
            "place": (Jurisdiction.path, Alert.signal_date, Alert.id),
            "disease": (Alert.disease, Alert.signal_date, Alert.id),
            "method": (Alert.method, Alert.signal_date, Alert.id),
        },
        default_sort="newest",
        filters={
            "status": _status,
            "method": lambda text: Alert.method == text if text in ALL_METHODS else None,
            "disease": lambda text: Alert.disease == text,
            "jurisdiction": within,
            "signal_from": _signal_from,
            "signal_to": _signal_to,
        },
        search=_search,
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
