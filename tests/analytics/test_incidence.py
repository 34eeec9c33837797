"""Daily counts and epidemiological weeks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from fireline.analytics import daily_counts, epiweek_table, weekly_counts
from fireline.analytics.incidence import epiweek_label, week_start

DATES = np.array(
    ["2020-12-27", "2021-01-02", "2021-01-03", "2021-01-03", "2021-01-10"], dtype="datetime64[D]"
)


def test_daily_counts_fill_gaps() -> None:
    days, counts = daily_counts(DATES)
    assert days[0] == np.datetime64("2020-12-27") and days[-1] == np.datetime64("2021-01-10")
    assert counts.sum() == 5 and counts[7] == 2 and counts[1] == 0
    days, counts = daily_counts(DATES, start="2021-01-01", end="2021-01-03")
    assert counts.tolist() == [0, 1, 2]


def test_week_systems_differ_at_year_edge() -> None:
    # 2020-12-27 (a Sunday) is ISO 2020-W52 but MMWR week 2020-53.
    assert epiweek_label(dt.date(2020, 12, 27), "iso") == "2020-W52"
    assert epiweek_label(dt.date(2020, 12, 27), "cdc") == "2020-53"
    assert epiweek_label(dt.date(2021, 1, 3), "iso") == "2020-W53"
    assert epiweek_label(dt.date(2021, 1, 3), "cdc") == "2021-01"


@pytest.mark.parametrize(("system", "weekday"), [("iso", 0), ("cdc", 6)])
def test_week_start_matches_epiweeks(system: str, weekday: int) -> None:
    days = np.arange("2019-12-20", "2021-01-20", dtype="datetime64[D]")
    table = epiweek_table(days, system)  # type: ignore[arg-type]
    starts = week_start(days, system)  # type: ignore[arg-type]
    assert [d.item() for d in starts] == table["week_start"]
    assert all(d.weekday() == weekday for d in table["week_start"])
    assert all(
        (e - s).days == 6 for s, e in zip(table["week_start"], table["week_end"], strict=True)
    )


def test_weekly_counts_are_tidy() -> None:
    out = weekly_counts(DATES, "cdc")
    assert out["week"] == ["2020-53", "2021-01", "2021-02"]
    assert out["count"] == [2, 2, 1]
    assert out["week_start"][0] == dt.date(2020, 12, 27)
    assert out["week_end"][0] == dt.date(2021, 1, 2)
