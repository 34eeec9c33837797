"""Farrington 1996 and the threshold functions against R surveillance 1.26.0."""

from __future__ import annotations

import numpy as np
import pytest

from fireline.analytics import farrington
from fireline.analytics.farrington import (
    assign_weights,
    threshold_farrington,
    threshold_noufaily,
)

from ._data import SURVEILLANCE, column, read_csv

SIM = column(read_csv(SURVEILLANCE / "vignette_sim_pointsource_observed.csv"), "observed")
SIM_OUT = read_csv(SURVEILLANCE / "vignette_sim_pointsource_algo_outputs_t300_400.csv")


@pytest.mark.parametrize(
    ("alpha", "prefix"), [(0.01, "farrington_a001"), (0.05, "farrington_3_0_5_a005")]
)
def test_farrington_matches_algo_farrington(alpha: float, prefix: str) -> None:
    t = column(SIM_OUT, "t").astype(int)
    res = farrington(SIM, b=5, w=3, alpha=alpha, t=t)
    ref_upper = column(SIM_OUT, f"{prefix}_upperbound")
    assert np.max(np.abs(res.threshold - ref_upper)) < 1e-6  # brief: 1e-3; measured ~4e-14
    np.testing.assert_array_equal(res.alarm, column(SIM_OUT, f"{prefix}_alarm") == 1)


def test_farrington_trend_and_median_match() -> None:
    t = column(SIM_OUT, "t").astype(int)
    res = farrington(SIM, b=5, w=3, alpha=0.01, t=t)
    assert res.trend is not None
    np.testing.assert_array_equal(res.trend, column(SIM_OUT, "farrington_a001_trend") == 1)
    # The back-transformed median of the predictive normal is mu0 itself.
    np.testing.assert_allclose(res.expected, column(SIM_OUT, "farrington_a001_median_m"), rtol=1e-9)


def test_assign_weights_hand_checked() -> None:
    # surveillance test-farringtonFlexible.R, "A case that was checked by hand".
    s = np.r_[np.zeros(5), np.full(5, 2.0)]
    np.testing.assert_allclose(assign_weights(s, 0.0), np.r_[np.full(5, 1.6), np.full(5, 0.4)])
    np.testing.assert_allclose(assign_weights(np.zeros(10), 0.0), np.ones(10))


# --- Threshold unit values (surveillance test-farringtonFlexible.R) ---------


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        ("none", [1.3073128, 8.6926872, 0.0907246, 0.8124165]),
        ("1/2", [1.9891097, 9.3744842, 0.1189986, 0.6857951]),
        ("2/3", [1.8084477, 9.1154825, 0.1094727, 0.7289546]),
    ],
)
def test_threshold_farrington_unit_values(transform: str, expected: list[float]) -> None:
    thr = threshold_farrington(5.0, 0.2, 1.0, transform, 0.05, 8.0)
    got = [thr.lower, thr.upper, thr.prob, thr.score]
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_threshold_farrington_rejects_bad_exponent() -> None:
    with pytest.raises(ValueError, match="proper exponent"):
        threshold_farrington(5.0, 0.2, 1.0, "2/88", 0.05, 8.0)


@pytest.mark.parametrize(
    ("phi", "method", "expected"),
    [
        (1.5, "muan", [8.0, 24.0, 0.8597797, 0.4193982]),
        (1.0, "muan", [9.0, 22.0, 0.9093099, 0.4605347]),
        (1.5, "nbPlugin", [1.0, 10.0, 0.03763657, 1.11918153]),
        (1.0, "nbPlugin", [2.0, 9.0, 0.01369527, 1.27061541]),
    ],
)
def test_threshold_noufaily_unit_values(phi: float, method: str, expected: list[float]) -> None:
    thr = threshold_noufaily(np.log(5), np.log(2), phi, 0.05, 11.0, method)  # type: ignore[arg-type]
    np.testing.assert_allclose([thr.lower, thr.upper, thr.prob, thr.score], expected, atol=1e-6)
