"""Small counts are flagged, not ranked: shares rank on their Wilson interval (Wilson 1927)."""

from __future__ import annotations

import pytest

from fireline.response.league import INDICATORS, Cell, LeagueRow, _rank
from fireline.response.ranking import is_small, rank_score, wilson_interval


def test_wilson_interval_matches_the_textbook_values() -> None:
    # Brown, Cai & DasGupta 2001; R binom::binom.wilson(1, 1) and (18, 20).
    assert wilson_interval(1, 1) == pytest.approx((0.2065, 1.0), abs=1e-4)
    assert wilson_interval(18, 20) == pytest.approx((0.6990, 0.9721), abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert rank_score(1, 1, True) < rank_score(18, 20, True)
    # Where lower is better, 0 of 1 is not better than 1 of 20.
    assert rank_score(0, 1, False) < rank_score(1, 20, False)
    assert is_small(1) and is_small(4) and not is_small(5) and not is_small(0)


def _row(code: str, met: int, total: int) -> LeagueRow:
    row = LeagueRow(len(code), code, code, code)
    for indicator in INDICATORS:
        value = met / total if indicator.is_share else 0.0
        row.cells[indicator.key] = Cell(value, met, total, small=is_small(total))
    return row


def test_one_of_one_on_time_is_not_first_and_is_flagged() -> None:
    rows = [_row("ONE", 1, 1), _row("MANY", 18, 20), _row("HALF", 10, 20), _row("LOW", 3, 20)]
    _rank(rows)
    # On the raw share ONE (100%) would lead; 10 of 20 says more than 1 of 1 does.
    assert [r.code for r in rows] == ["MANY", "HALF", "ONE", "LOW"]
    reported = {r.code: r.cells["reported_24h"] for r in rows}
    assert (reported["MANY"].rank, reported["HALF"].rank, reported["ONE"].rank) == (1, 2, 3)
    assert reported["ONE"].small and not reported["MANY"].small
