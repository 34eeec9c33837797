"""Incidence helpers: daily counts from dates, and epidemiological weeks.

Week systems (docs/architecture.md, "Dates and weeks"): ISO 8601 weeks start on Monday;
CDC/MMWR weeks start on Sunday and week 1 is the first week with at least four
days in the new year (CDC, "MMWR Week Fact Sheet"). Both come from the
``epiweeks`` package; ``%U``/``%W`` match neither.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
from epiweeks import Week
from numpy.typing import ArrayLike, NDArray

from fireline.analytics._types import IntArray

__all__ = [
    "WeekSystem",
    "daily_counts",
    "epiweek_label",
    "epiweek_table",
    "week_start",
    "weekly_counts",
]

WeekSystem = Literal["iso", "cdc"]
DayArray = NDArray[np.datetime64]
_DAY = np.timedelta64(1, "D")


def _as_days(dates: ArrayLike) -> DayArray:
    days = np.asarray(dates, dtype="datetime64[D]")
    if days.ndim != 1:
        raise ValueError("dates must be 1-D")
    if np.any(np.isnat(days)):
        raise ValueError("dates must not contain missing values")
    return days


def daily_counts(
    dates: ArrayLike,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> tuple[DayArray, IntArray]:
    """Count events per day from ``start`` to ``end`` (default first..last date).

    Returns every day of the range (days without events count 0) and the
    counts, the EpiEstim ``dates, I`` input. Dates outside the range are
    ignored.
    """
    days = _as_days(dates)
    if days.size == 0 and (start is None or end is None):
        raise ValueError("no dates, and no start/end to define the range")
    first = np.datetime64(start, "D") if start is not None else days.min()
    last = np.datetime64(end, "D") if end is not None else days.max()
    if last < first:
        raise ValueError("end is before start")
    n = int((last - first) // _DAY) + 1
    offsets = ((days - first) // _DAY).astype(np.int64)
    inside = offsets[(offsets >= 0) & (offsets < n)]
    counts = np.bincount(inside, minlength=n).astype(np.int64)
    return first + np.arange(n) * _DAY, counts


def epiweek_label(date: dt.date, system: WeekSystem = "iso") -> str:
    """Week label: ``2020-W53`` (ISO 8601) or ``2020-53`` (CDC/MMWR)."""
    week = Week.fromdate(date, system=system)
    sep = "-W" if system == "iso" else "-"
    return f"{week.year}{sep}{week.week:02d}"


def week_start(dates: ArrayLike, system: WeekSystem = "iso") -> DayArray:
    """First day of each date's week: Monday (ISO) or Sunday (CDC/MMWR)."""
    days = _as_days(dates)
    # Day 0 of datetime64 (1970-01-01) is a Thursday: +3 counts from Monday,
    # +4 from Sunday.
    shift = 3 if system == "iso" else 4
    n = days.astype(np.int64)
    out: DayArray = days - ((n + shift) % 7) * _DAY
    return out


def epiweek_table(dates: ArrayLike, system: WeekSystem = "iso") -> dict[str, list[Any]]:
    """Tidy week columns per date: week label, year, week number, start, end.

    Only the distinct weeks go through ``epiweeks``; dates map to them by index.
    """
    starts = week_start(dates, system)
    uniq, inverse = np.unique(starts, return_inverse=True)
    weeks = [Week.fromdate(d.item(), system=system) for d in uniq]
    sep = "-W" if system == "iso" else "-"
    labels = [f"{w.year}{sep}{w.week:02d}" for w in weeks]
    pick = inverse.ravel().tolist()
    return {
        "week": [labels[i] for i in pick],
        "year": [int(weeks[i].year) for i in pick],
        "week_number": [int(weeks[i].week) for i in pick],
        "week_start": [weeks[i].startdate() for i in pick],
        "week_end": [weeks[i].enddate() for i in pick],
    }


def weekly_counts(dates: ArrayLike, system: WeekSystem = "iso") -> dict[str, list[Any]]:
    """Events per epidemiological week, every week of the range included.

    Columns: ``week`` (label), ``week_start``, ``week_end``, ``count``.
    """
    starts = week_start(dates, system)
    if starts.size == 0:
        return {"week": [], "week_start": [], "week_end": [], "count": []}
    first, last = starts.min(), starts.max()
    n_weeks = int((last - first) // (7 * _DAY)) + 1
    idx = ((starts - first) // (7 * _DAY)).astype(np.int64)
    counts = np.bincount(idx, minlength=n_weeks)
    all_starts = first + np.arange(n_weeks) * 7 * _DAY
    table = epiweek_table(all_starts, system)
    return {
        "week": table["week"],
        "week_start": table["week_start"],
        "week_end": table["week_end"],
        "count": counts.tolist(),
    }
