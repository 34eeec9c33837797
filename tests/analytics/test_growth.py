"""Growth rate and doubling time."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from fireline.analytics import NotEnoughData, growth_rate


def test_exact_exponential_recovers_rate_and_doubling() -> None:
    y = 10 * 2 ** (np.arange(20) / 5)  # doubling every 5 days
    res = growth_rate(y, 14)
    assert res.r == pytest.approx(math.log(2) / 5, rel=1e-9)
    assert res.doubling_time == pytest.approx(5.0, rel=1e-9)
    assert res.r_low < res.r < res.r_high
    assert res.doubling_low < 5.0 < res.doubling_high


def test_poisson_fit_is_the_maximum_likelihood_fit() -> None:
    y = np.array([3, 5, 4, 8, 9, 14, 13, 20, 26, 31], dtype=float)
    t = np.arange(y.size) - (y.size - 1) / 2

    def nll(beta: np.ndarray) -> float:
        eta = beta[0] + beta[1] * t
        return float(np.sum(np.exp(eta) - y * eta))

    mle = optimize.minimize(nll, x0=np.array([2.0, 0.1]), method="BFGS", tol=1e-12).x
    assert growth_rate(y).r == pytest.approx(mle[1], rel=1e-6)


def test_ols_on_log_counts() -> None:
    y = np.array([3, 5, 4, 8, 9, 14, 13, 20, 26, 31], dtype=float)
    slope = np.polyfit(np.arange(y.size), np.log(y + 0.5), 1)[0]
    assert growth_rate(y, method="ols").r == pytest.approx(slope, rel=1e-12)


def test_decline_gives_halving_time() -> None:
    res = growth_rate([40, 30, 22, 17, 12, 9, 7, 5])
    assert res.halving and res.r < 0
    assert res.doubling_low <= res.doubling_time <= res.doubling_high


def test_flat_series_has_infinite_upper_doubling_time() -> None:
    res = growth_rate([10, 12, 9, 11, 10, 11, 9])
    assert res.doubling_high == math.inf


@pytest.mark.parametrize(("counts", "window"), [([1, 2], None), ([1, 2, 3], 5), ([1, -2, 3], None)])
def test_bad_input(counts: list[int], window: int | None) -> None:
    with pytest.raises(ValueError):
        growth_rate(counts, window)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=4, max_size=30))
def test_interval_contains_estimate(counts: list[int]) -> None:
    try:
        res = growth_rate(counts)
    except NotEnoughData:  # no cases, or all at one edge: the rate is unbounded
        assert sum(counts) == 0 or sum(c > 0 for c in counts) <= len(counts) - 2
        return
    assert res.r_low <= res.r <= res.r_high


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.just(0), st.integers(0, 3), st.integers(10**6, 10**9)), min_size=3, max_size=30
    )
)
def test_sparse_spiky_and_huge_series_give_a_rate_or_not_enough_data(counts: list[int]) -> None:
    """An all-zero window gave a doubling time of 1e14 days; never a number like that."""
    try:
        res = growth_rate(counts)
    except NotEnoughData as exc:
        assert str(exc).startswith("not enough data")
        return
    assert math.isfinite(res.r) and res.r_low <= res.r <= res.r_high
    assert res.doubling_time > 1e-6 and (res.doubling_time < 1e12 or math.isinf(res.doubling_time))


def test_all_zero_window_is_not_enough_data() -> None:
    with pytest.raises(NotEnoughData, match="no growth"):
        growth_rate([4, 2, 0, 0, 0, 0], window=4)
