"""Nowcast: the reporting triangle, Lawless's formulas by hand, bayes.trunc, calibration."""

from __future__ import annotations

import numpy as np
import pytest
from bench.benchmarks import nowcast_calibration as calibration
from scipy import stats

from fireline.analytics.nowcast import nowcast_bayes, nowcast_lawless, reporting_triangle


def test_triangle_counts_cuts_long_delays_and_drops_later_reports() -> None:
    onset = [0, 0, 1, 1, 2, 5]
    report = [0, 9, 2, 7, 3, 5]  # delays 0, 9, 1, 6, 1, 0
    tri = reporting_triangle(onset, report, now=8, max_delay=3)
    assert tri.shape == (1, 9, 4)
    assert tri[0, 0].tolist() == [1, 0, 0, 0]  # the delay-9 case is reported after now
    assert tri[0, 1].tolist() == [0, 1, 0, 1]  # delay 6 counts as D = 3
    assert tri[0, 2].tolist() == [0, 1, 0, 0]
    assert tri[0, 5].tolist() == [1, 0, 0, 0]
    assert tri.sum() == 5


def test_triangle_refuses_report_before_onset_and_d_beyond_the_data() -> None:
    with pytest.raises(ValueError, match="before its onset"):
        reporting_triangle([3], [2], now=10, max_delay=2)
    with pytest.raises(ValueError, match="D > T"):
        reporting_triangle([8, 9], [9, 9], now=10, max_delay=5)


def test_triangle_many_series_in_one_call() -> None:
    tri = reporting_triangle([0, 0, 1], [1, 0, 1], now=4, max_delay=2, series=[0, 1, 1], n_series=3)
    assert tri.shape == (3, 5, 3)
    assert tri[0].sum() == 1 and tri[1].sum() == 2 and tri[2].sum() == 0


def _hand_lawless(tri: np.ndarray, alpha: float = 0.05) -> list[tuple[int, ...]]:
    """Lawless (1994) eqs. 2.7-2.13 and R's variance and truncated normal, scalar code."""
    n = tri[0]
    days, width = n.shape
    last, d = days - 1, width - 1
    nx = [sum(n[t, x] for t in range(last - x + 1)) for x in range(width)]
    big = [sum(n[t, : x + 1].sum() for t in range(last - x + 1)) for x in range(width)]
    g = [1.0] + [nx[x] / big[x] if big[x] else 0.0 for x in range(1, width)]
    out: list[tuple[int, ...]] = []
    for t in range(last - d + 1, last + 1):
        seen = int(n[t].sum())
        w = float(np.prod([1 - g[x] for x in range(last - t + 1, d + 1)]))
        mean, var = seen / w, seen * (1 - w) / w**2
        if var <= 0:
            out.append((round(mean),) * 3)
            continue
        dist = stats.norm(mean, np.sqrt(var))
        support = np.arange(seen, seen + 2000)
        cdf = dist.cdf(support) / (1 - dist.cdf(seen))
        out.append(tuple(int(support[np.argmax(cdf > p)]) for p in (0.5, alpha / 2, 1 - alpha / 2)))
    return out


def test_lawless_matches_the_formulas_by_hand() -> None:
    rng = np.random.default_rng(7)
    onset = rng.integers(0, 40, 800)
    report = onset + rng.poisson(2.5, onset.size)
    tri = reporting_triangle(onset, report, now=39, max_delay=6, first_day=0)
    res = nowcast_lawless(tri)
    got = list(zip(res.estimate[0, -6:], res.lower[0, -6:], res.upper[0, -6:], strict=True))
    assert [tuple(int(v) for v in row) for row in got] == _hand_lawless(tri)
    # Days at least D back are final: the nowcast is what was reported.
    assert np.array_equal(res.estimate[0, :-6], res.reported[0, :-6])


def test_lawless_says_not_enough_data_where_no_short_delay_was_seen() -> None:
    # Every case has delay 3: a count seen with delay < 3 has W = 0 (R fails here).
    onset = np.repeat(np.arange(20), 5)
    report = onset + 3
    onset = np.append(onset, 19)
    report = np.append(report, 20)  # one case of day 19 seen with delay 1
    tri = reporting_triangle(onset, report, now=20, max_delay=5, first_day=0)
    res = nowcast_lawless(tri)
    assert np.isnan(res.estimate[0, 19]) and np.isnan(res.upper[0, 19])
    assert res.estimate[0, 20] == 0  # nothing seen, W = 0: R's 0
    assert np.all(np.isfinite(res.estimate[0, :18]))


def test_lawless_n_max_caps_as_r_does() -> None:
    onset = np.repeat(np.arange(30), 40)
    report = onset + np.tile(np.arange(8), 150)
    tri = reporting_triangle(onset, report, now=29, max_delay=8, first_day=0)
    capped = nowcast_lawless(tri, n_max=30)
    free = nowcast_lawless(tri)
    assert free.estimate[0, 10] == 40 and capped.estimate[0, 10] == 0  # point mass above cap
    assert free.upper[0, -2] > 30 and capped.upper[0, -2] == 0


def test_bayes_interval_contains_lawless_point_and_is_sane() -> None:
    rng = np.random.default_rng(3)
    onset = rng.integers(0, 50, 2000)
    report = onset + rng.negative_binomial(2, 0.4, onset.size)
    tri = reporting_triangle(onset, report, now=49, max_delay=10, first_day=0)
    law, bay = nowcast_lawless(tri), nowcast_bayes(tri, seed=1)
    recent = slice(-10, None)
    assert np.all(bay.lower[0, recent] >= bay.reported[0, recent])
    assert np.all(bay.lower[0, recent] <= bay.estimate[0, recent])
    assert np.all(bay.estimate[0, recent] <= bay.upper[0, recent])
    assert np.all(np.abs(bay.estimate[0, recent] - law.estimate[0, recent]) <= 4)
    assert np.array_equal(bay.estimate[0, :-10], bay.reported[0, :-10])
    # Same seed, same answer.
    assert np.array_equal(nowcast_bayes(tri, seed=1).upper, bay.upper)


def test_nowcast_refuses_bad_arguments() -> None:
    tri = reporting_triangle([0, 1, 2], [0, 2, 3], now=5, max_delay=2)
    with pytest.raises(ValueError):
        nowcast_lawless(tri, alpha=1.5)
    with pytest.raises(ValueError):
        nowcast_lawless(tri, window=1)
    with pytest.raises(ValueError):
        nowcast_bayes(tri, samples=0)


def test_ninety_percent_intervals_cover_85_to_95_percent_of_final_counts() -> None:
    # The benchmark's calibration at its small scale (full table in docs/benchmarks.md).
    for name, row in calibration.coverage("small").items():
        assert row["days"] >= 400
        assert 0.85 <= row["coverage90"] <= 0.95, (name, row)
        assert 0 < row["mean_width"] < 20
