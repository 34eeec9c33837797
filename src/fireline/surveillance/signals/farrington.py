"""Farrington (flexible) in the daily signals: weekly counts per jurisdiction and disease.

The method compares a week with the same time of year in past years, so it runs only
where the history allows (:func:`years_of_history`). Its settings are the improved
algorithm's (Noufaily et al. 2013, Stat Med 32:1206-22): every past week in a 10-level
seasonal factor, the last 26 weeks left out of the fit so that a starting outbreak
does not raise its own baseline, past outbreaks down-weighted above Anscombe residual
2.58, and a negative-binomial bound ("nbPlugin"); the rest are R
``surveillance::farringtonFlexible``'s defaults (one-sided alpha 0.05, w = 3, a trend
kept when significant, and no alarm with fewer than 5 cases in the last 4 weeks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, Literal

import numpy as np
from sqlalchemy.orm import Session

from fireline.analytics.farrington_flexible import FlexibleOptions, farrington_flexible
from fireline.surveillance.signals.series import weekly_by_jurisdiction

FARRINGTON: Final = "farrington"
WEEKS_A_YEAR: Final = 52  # R's freq for weekly data: reference weeks are t - 52 i
# A baseline with no variation makes any rise infinitely many widths: the score is
# capped so that it stays a number people (and JSON) can read.
MAX_SCORE: Final = 99.0


@dataclass(frozen=True)
class HistoryRule:
    """How many past years Farrington compares with, and the fewest it runs on.

    Five years is the reference period of Farrington et al. 1996 (J R Stat Soc A
    159:547-63) and of Noufaily et al. 2013. Below three the fit cannot carry a time
    trend (Farrington et al. 1996 fit one only with b >= 3, as R does) and a year's
    unusual season weighs a third of the baseline, so the method does not run.
    """

    years: int = 5
    min_years: int = 3
    half_window: int = 3  # w: weeks either side of the reference weeks


def last_complete_week(day: date, system: Literal["iso", "mmwr"]) -> date:
    """The last day of the latest week that has ended by the end of ``day``: weeks
    start on Monday (ISO 8601) or Sunday (CDC/MMWR), docs/architecture.md."""
    days_in = day.weekday() if system == "iso" else (day.weekday() + 1) % 7
    start = day - timedelta(days=days_in)
    end = start + timedelta(days=6)
    return end if end == day else start - timedelta(days=1)


def years_of_history(first_report: date, week_end: date, rule: HistoryRule) -> int:
    """The years b that the weeks from the first report's week to ``week_end`` allow:
    R's first monitorable week is 52 b + w + 1, capped at ``rule.years``."""
    weeks = (week_end - first_report).days // 7 + 1
    return min(rule.years, (weeks - rule.half_window - 1) // WEEKS_A_YEAR)


def options_for(years: int, rule: HistoryRule) -> FlexibleOptions:
    return FlexibleOptions(
        b=years,
        w=rule.half_window,
        weights_threshold=2.58,
        no_periods=10,
        past_weeks_not_included=26,
        threshold_method="nbPlugin",
    )


def score(observed: float, expected: float, threshold: float) -> float:
    """R's Farrington score (y - mu0) / (U - mu0): above 1 is an alarm."""
    width = threshold - expected
    if width <= 0:
        return MAX_SCORE
    return float(min((observed - expected) / width, MAX_SCORE))


def farrington_alarms(
    session: Session, disease: str, week_end: date, years: int, rule: HistoryRule
) -> tuple[int, list[dict[str, Any]]]:
    """The series examined and the alarms of the week ending ``week_end``, every
    jurisdiction of the tree from one grouped query; a GLM is fitted only where the
    last 4 weeks hold 5 cases (R's limit54, without which it gives no bound)."""
    options = options_for(years, rule)
    weeks = WEEKS_A_YEAR * years + rule.half_window + 1
    series = weekly_by_jurisdiction(session, disease, week_end, weeks)
    cases, weeks_back = options.limit54
    recent = series.counts[:, -weeks_back:].sum(axis=1)
    worth = np.flatnonzero((recent >= cases) & (series.counts[:, -1] > 0))
    found = []
    for row in worth:
        result = farrington_flexible(series.counts[row].astype(float), options, t=[weeks])
        if not bool(result.alarm[0]):
            continue
        observed, expected = float(result.observed[0]), float(result.expected[0])
        threshold = float(result.threshold[0])
        found.append(
            {
                "jurisdiction_id": series.jurisdiction_ids[row],
                "signal_date": week_end,
                "method": FARRINGTON,
                "observed": observed,
                "expected": expected,
                "threshold": threshold,
                "threshold_note": None,
                "score": score(observed, expected, threshold),
            }
        )
    return len(series.jurisdiction_ids), found
