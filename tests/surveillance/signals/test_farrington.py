"""Farrington (flexible) in the daily signals: weekly series from the cases table,
run only where the history allows, stored with its bound and expected count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.analytics.farrington_flexible import farrington_flexible
from fireline.auth.scope import system_actor
from fireline.surveillance.signals.farrington import (
    HistoryRule,
    last_complete_week,
    options_for,
    years_of_history,
)
from fireline.surveillance.signals.models import Alert
from fireline.surveillance.signals.series import weekly_by_jurisdiction
from fireline.surveillance.signals.service import (
    SignalOptions,
    compute_alarms,
    run_signals,
)
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases

RUN_DAY = date(2026, 3, 31)  # a Tuesday: the last complete ISO week ends on Sunday 29 March
WEEK_END = date(2026, 3, 29)
FARRINGTON_ONLY = SignalOptions(methods=("farrington",))


def _steady(days: int) -> list[int]:
    """1 or 2 cases a day: 9 or 10 a week, a quiet endemic level."""
    return [1 + (i % 3 == 0) for i in range(days)]


def _history(years: float) -> int:
    return int(years * 365) + 2  # days up to the week's end, RUN_DAY's two days added


def test_an_injected_outbreak_alarms_and_a_steady_county_does_not(session: Session) -> None:
    tree = small_tree(session)
    outbreak = _steady(_history(3.2))
    outbreak[-9:-2] = [6] * 7  # the week ending 29 March: 42 cases instead of about 10
    add_daily_cases(session, tree["C1A"], RUN_DAY, outbreak)
    add_daily_cases(session, tree["C2A"], RUN_DAY, _steady(_history(3.2)))
    summary = run_signals(session, system_actor(), RUN_DAY, FARRINGTON_ONLY)
    alerts = session.scalars(select(Alert).where(Alert.method == "farrington")).all()
    flagged = {a.jurisdiction_id for a in alerts}
    assert {tree["C1A"].id, tree["C1"].id} <= flagged
    assert not {tree["C2A"].id, tree["C2"].id} & flagged
    assert summary.alerts == len(alerts)
    county = next(a for a in alerts if a.jurisdiction_id == tree["C1A"].id)
    assert county.signal_date == WEEK_END and county.observed == 42
    # The stored bound and expected count are the analytics' own on the same weeks.
    b = years_of_history(WEEK_END - timedelta(days=len(outbreak) - 3), WEEK_END, HistoryRule())
    weeks = 52 * b + 4
    series = weekly_by_jurisdiction(session, "covid19", WEEK_END, weeks)
    row = series.jurisdiction_ids.index(tree["C1A"].id)
    reference = farrington_flexible(
        series.counts[row].astype(float), options_for(b, HistoryRule()), t=[weeks]
    )
    assert county.threshold == pytest.approx(float(reference.threshold[0]))
    assert county.expected == pytest.approx(float(reference.expected[0]))
    assert county.threshold is not None
    assert county.expected < county.threshold < county.observed
    assert county.threshold_note is None and county.score > 1


def test_too_little_history_skips_the_method(session: Session) -> None:
    tree = small_tree(session)
    counts = _steady(_history(2.5))
    counts[-9:-2] = [6] * 7
    add_daily_cases(session, tree["C1A"], RUN_DAY, counts)
    found = compute_alarms(session, RUN_DAY, FARRINGTON_ONLY)
    assert found.farrington_series == 0
    assert run_signals(session, system_actor(), RUN_DAY, FARRINGTON_ONLY).alerts == 0


def test_the_history_rule() -> None:
    rule = HistoryRule()
    end = date(2026, 3, 29)
    assert years_of_history(end - timedelta(weeks=52 * 3 + 3), end, rule) == 3
    assert years_of_history(end - timedelta(weeks=52 * 3 + 2), end, rule) == 2
    assert years_of_history(date(2010, 1, 1), end, rule) == 5  # capped at b = 5
    assert last_complete_week(date(2026, 3, 29), "iso") == end  # a Sunday ends its week
    assert last_complete_week(date(2026, 3, 30), "iso") == end
    assert last_complete_week(date(2026, 3, 30), "mmwr") == date(2026, 3, 28)
