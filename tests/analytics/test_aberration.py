"""Aberration detection against R surveillance 1.26.0 outputs and unit values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from fireline.analytics import detect_aberrations, earsc, farrington, farrington_flexible
from fireline.analytics.farrington import (
    assign_weights,
    threshold_farrington,
    threshold_noufaily,
)
from fireline.analytics.farrington_flexible import FlexibleOptions, seasonal_blocks

from ._data import SURVEILLANCE, column, read_csv

NEWPORT = column(read_csv(SURVEILLANCE / "salmNewport_weekly_by_state.csv"), "germany_total")
EARS_REF = read_csv(SURVEILLANCE / "derived_earsC1_salmNewportGermany_2011_alpha005.csv")
SIM = column(read_csv(SURVEILLANCE / "vignette_sim_pointsource_observed.csv"), "observed")
SIM_OUT = read_csv(SURVEILLANCE / "vignette_sim_pointsource_algo_outputs_t300_400.csv")
AGONA = column(read_csv(SURVEILLANCE / "salmonella_agona_weekly.csv"), "observed")


# --- EARS ------------------------------------------------------------------


def test_ears_c1_package_asserted_bounds() -> None:
    # surveillance tests/testthat/test-earsC.R asserts these four bounds.
    t = column(EARS_REF, "t").astype(int)
    res = earsc(NEWPORT, method="C1", alpha=0.05, t=t)
    np.testing.assert_allclose(
        res.threshold[:4], [3.278854, 3.278854, 3.436517, 3.855617], atol=1e-6
    )
    verified = column(EARS_REF, "package_verified") == 1
    assert verified.sum() == 4


def test_ears_c1_all_2011_bounds_and_alarms() -> None:
    t = column(EARS_REF, "t").astype(int)
    res = earsc(NEWPORT, method="C1", alpha=0.05, t=t)
    np.testing.assert_allclose(
        res.threshold, column(EARS_REF, "C1_a005_upperbound_mine"), rtol=1e-12
    )
    np.testing.assert_array_equal(res.alarm, column(EARS_REF, "C1_a005_alarm_mine") == 1)


def _ears_by_hand(y: np.ndarray, t: int, method: str, z: float) -> float:
    """surveillance earsC for one 1-based point, written as plain loops."""

    def c2(s: int) -> tuple[float, float, float]:
        ref = y[s - 10 : s - 3]  # points s-9 .. s-3 (1-based)
        return (y[s - 1] - ref.mean()) / ref.std(ddof=1), ref.mean(), ref.std(ddof=1)

    if method == "C2":
        _, m, sd = c2(t)
        return m + z * sd
    lag = max(0.0, c2(t - 2)[0] - 1) + max(0.0, c2(t - 1)[0] - 1)
    return max(0.0, float(y[t - 1] + c2(t)[2] * (z - lag)))


@pytest.mark.parametrize("method", ["C2", "C3"])
def test_ears_c2_c3_follow_the_package_formulas(method: str) -> None:
    res = earsc(AGONA, method=method)  # type: ignore[arg-type]
    alpha = 0.025 if method == "C3" else 0.001  # earsC's defaults
    z = float(stats.norm.ppf(1 - alpha))
    expected = [_ears_by_hand(AGONA, int(t), method, z) for t in res.t]
    np.testing.assert_allclose(res.threshold, expected, rtol=1e-12)
    assert res.t[0] == (10 if method == "C2" else 12)
    np.testing.assert_array_equal(res.alarm, res.observed > res.threshold)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"baseline": 2}, "Minimum baseline"),
        ({"min_sigma": -2}, "minimum sigma"),
        ({"t": [5]}, "too short"),
    ],
)
def test_ears_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        earsc(NEWPORT, **kwargs)  # type: ignore[arg-type]


# --- Farrington 1996 -------------------------------------------------------


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


# --- Farrington flexible ---------------------------------------------------


def test_blocks_have_the_package_lengths() -> None:
    # surveillance test-farringtonFlexible.R, "BLOCKS FUNCTION" (b = 3, w = 3).
    b, w, k = 3, 3, 1200
    for p in (1, 8):
        labels = seasonal_blocks(1300, k, b, w, p, 52)
        assert np.sum(labels == p) == w + 1 + b * (2 * w + 1)
        assert len(np.unique(labels[~np.isnan(labels)])) == p
    labels = seasonal_blocks(1300, k, b, w, 8, 52)
    sizes = np.array([np.sum(labels == j) for j in range(1, 8)])
    assert np.all(np.abs(np.diff(sizes)) <= b)


@pytest.mark.parametrize("method", ["delta", "nbPlugin", "muan"])
def test_flexible_alarms_only_above_threshold(method: str) -> None:
    res = farrington_flexible(AGONA, FlexibleOptions(threshold_method=method, alpha=0.1))  # type: ignore[arg-type]
    assert res.t[0] == 52 * 5 + 3 + 1  # package default range
    assert not np.any(res.alarm & (res.observed == 0))
    above = res.observed > np.nan_to_num(res.threshold, nan=np.inf)
    np.testing.assert_array_equal(res.alarm, above)


def test_flexible_with_seasonal_periods_runs() -> None:
    opts = FlexibleOptions(b=4, no_periods=10, past_weeks_not_included=26, threshold_method="muan")
    res = farrington_flexible(AGONA, opts)
    assert np.all(np.isfinite(res.expected))


def test_flexible_needs_reference_years() -> None:
    with pytest.raises(ValueError, match="Some reference"):
        farrington_flexible(AGONA, FlexibleOptions(b=10), t=[250])


def test_dispatcher_routes_methods() -> None:
    for method in ("ears-c1", "ears-c2", "ears-c3", "farrington", "farrington-flexible"):
        res = detect_aberrations(AGONA, method)
        assert res.threshold.shape == res.t.shape
