"""Offspring distribution: k by maximum likelihood, super-spreaders, serial intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats

from fireline.analytics.offspring import (
    fit_negative_binomial,
    serial_intervals,
    superspreaders,
    superspreading_threshold,
    venue_superspreading,
)


def arr(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_k_matches_a_direct_two_parameter_fit() -> None:
    rng = np.random.default_rng(3)
    counts = rng.negative_binomial(0.3, 0.3 / (0.3 + 1.5), size=2000)
    fit = fit_negative_binomial(counts)

    def nll(params: np.ndarray) -> float:
        k, mean = np.exp(params)
        return -float(stats.nbinom.logpmf(counts, k, k / (k + mean)).sum())

    direct = optimize.minimize(
        nll,
        np.log([1.0, 1.0]),
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-9, "maxiter": 4000},
    )
    k_direct, mean_direct = np.exp(direct.x)
    assert fit.k == pytest.approx(k_direct, rel=1e-3)
    assert fit.mean == pytest.approx(mean_direct, rel=1e-3)
    assert fit.log_likelihood == pytest.approx(-direct.fun, abs=1e-4)
    assert fit.k_low < fit.k < fit.k_high
    assert 0.2 < fit.k < 0.4


def test_k_is_infinite_without_overdispersion() -> None:
    fit = fit_negative_binomial([1, 1, 1, 1, 2, 0])
    assert math.isinf(fit.k)
    with pytest.raises(ValueError):
        fit_negative_binomial([])


def test_superspreaders_and_venues() -> None:
    offspring = arr(0, 1, 9, 0, 12, 1)
    found, used = superspreaders(offspring, threshold=9)
    assert found.tolist() == [4, 2] and used == 9
    z = superspreading_threshold(float(offspring.mean()))
    found, used = superspreaders(offspring)
    assert z == 9 and used == 10 and found.tolist() == [4]  # Poisson(3.83) 99th pct is 9
    venues, counts = venue_superspreading(arr(0, 1, 2, 2, 3), arr(5, 5, 5, 5, 6), threshold=2)
    assert venues.tolist() == [5] and counts.tolist() == [3]


def test_serial_intervals_skip_unknown_onsets() -> None:
    si = serial_intervals([0.0, 4.0, np.nan, 2.0], arr(0, 0, 1), arr(1, 2, 3))
    assert si.days.tolist() == [4.0, -2.0] and si.pairs.tolist() == [0, 2]
    assert si.negative == 1 and si.mean == 1.0
