"""Aberration detection against R surveillance 1.26.0 outputs and unit values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from fireline.analytics import detect_aberrations, earsc, farrington, farrington_flexible
from fireline.analytics.ears import EarsResult
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
    res = earsc(AGONA, method=method, variant="r-surveillance")  # type: ignore[arg-type]
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


# --- EARS C3 as the CDC defines it (Hutwagner et al. 2003; Fricker et al. 2008)

QUIET = [2.0, 3.0] * 4 + [2.0]  # days 1-9; 7-day baselines alternate 17/7 and 18/7
SD_QUIET = math.sqrt(2 / 7)  # sample sd of any 7 consecutive QUIET days


def _c3_by_hand(y: list[float], t: int, min_sigma: float = 0.0) -> tuple[float, float]:
    """(C3_t, L_t): CDC C3 at 1-based t and its two lagged terms, as plain loops."""
    parts = []
    for s in (t - 2, t - 1, t):
        ref = np.array(y[s - 10 : s - 3])  # days s-9 .. s-3
        sd = max(float(ref.std(ddof=1)), min_sigma)
        dev = y[s - 1] - float(ref.mean())
        # A flat baseline: any rise is infinite, no change is no deviation.
        c2 = dev / sd if sd > 0 else (math.copysign(math.inf, dev) if dev else 0.0)
        parts.append(max(0.0, c2 - 1))
    return sum(parts), parts[0] + parts[1]


def test_cdc_c3_alarms_on_the_spike_day() -> None:
    y = [*QUIET, 3.0, 2.0, 30.0]
    res = earsc(y, method="C3")
    assert res.t.tolist() == [12] and res.variant == "cdc" and res.h == 2.0
    # C2_10 = (3 - 17/7)/sd = 4/sqrt(14); C2_11 < 0; C2_12 = (30 - 17/7)/sd.
    lag = 4 / math.sqrt(14) - 1
    c3 = lag + (30 - 17 / 7) / SD_QUIET - 1
    assert res.statistic[0] == pytest.approx(c3, rel=1e-12)
    assert bool(res.alarm[0])
    assert res.threshold[0] == pytest.approx(17 / 7 + SD_QUIET * (1 + 2 - lag), rel=1e-12)
    # R's earsC bound ignores today's C2, so the spike does not alarm there.
    assert not bool(earsc(y, method="C3", variant="r-surveillance").alarm[0])


def test_cdc_c3_two_high_days_then_a_moderate_one() -> None:
    y = [*QUIET, 3.5, 3.5, 3.5]
    res = earsc(y, method="C3")
    c3, lag = _c3_by_hand(y, 12)
    # C2_10 = C2_12 = (3.5 - 17/7)/sd, C2_11 = (3.5 - 18/7)/sd: all below 3.
    part = (3.5 - 17 / 7) / SD_QUIET - 1
    assert c3 == pytest.approx(2 * part + (3.5 - 18 / 7) / SD_QUIET - 1, rel=1e-12)
    assert res.statistic[0] == pytest.approx(c3, rel=1e-12)
    assert lag < 2 < c3 and bool(res.alarm[0])
    assert not bool(earsc(y, method="C2", t=[12]).alarm[0])  # C2 alone stays quiet
    assert res.threshold[0] == pytest.approx(17 / 7 + SD_QUIET * (3 - lag), rel=1e-12)
    assert 3.0 < res.threshold[0] < 3.5
    # Today at the baseline level: the two previous days alone cannot pass h.
    quiet_today = earsc([*QUIET, 3.5, 3.5, 2.0], method="C3")
    assert not bool(quiet_today.alarm[0])


def test_cdc_c3_lagged_days_alone_can_signal() -> None:
    y = [*QUIET, 5.0, 5.0, 2.0]
    res = earsc(y, method="C3")
    c3, lag = _c3_by_hand(y, 12)
    assert lag > 2 and res.statistic[0] == pytest.approx(c3)
    assert bool(res.alarm[0]) and res.threshold[0] == 0.0  # any count signals


@pytest.mark.parametrize(
    ("today", "min_sigma", "stat", "threshold", "alarm"),
    [
        (5.0, 0.0, math.inf, 4.0, True),  # any rise over a flat baseline
        (4.0, 0.0, 0.0, 4.0, False),  # 0/0 reads as no deviation
        (3.0, 0.0, 0.0, 4.0, False),
        (5.0, 1.0, 0.0, 7.0, False),  # C2 = 1 exactly: no excess
        (8.0, 1.0, 3.0, 7.0, True),  # C2 = 4: 4 - 1 > 2
    ],
)
def test_cdc_c3_zero_variance_baseline(
    today: float, min_sigma: float, stat: float, threshold: float, alarm: bool
) -> None:
    res = earsc([4.0] * 11 + [today], method="C3", min_sigma=min_sigma)
    assert res.statistic[0] == stat
    assert res.threshold[0] == pytest.approx(threshold)
    assert bool(res.alarm[0]) is alarm


def test_c1_c2_statistic_and_fixed_cdc_level() -> None:
    y = [*QUIET, 3.0, 2.0, 30.0]
    c1 = earsc(y, method="C1", h=3)
    mean, sd = np.mean(y[-8:-1]), np.std(y[-8:-1], ddof=1)
    np.testing.assert_allclose(c1.statistic[-1], (30 - mean) / sd, rtol=1e-12)
    np.testing.assert_allclose(c1.threshold[-1], mean + 3 * sd, rtol=1e-12)
    assert c1.h == 3.0
    c2 = earsc(y, method="C2")  # R's default alpha = 0.001
    assert c2.h == pytest.approx(float(stats.norm.ppf(0.999)))
    np.testing.assert_array_equal(c2.alarm, c2.statistic > c2.h)
    flat = earsc([4.0] * 8 + [5.0], method="C1")
    assert flat.statistic[-1] == math.inf and bool(flat.alarm[-1]) and flat.threshold[-1] == 4.0


def test_ears_statistic_in_columns_and_dispatcher() -> None:
    res = detect_aberrations(AGONA, "ears-c3", h=1.5)
    assert isinstance(res, EarsResult) and res.h == 1.5
    assert list(res.to_columns()) == ["t", "observed", "threshold", "alarm", "statistic"]
    r_var = detect_aberrations(AGONA, "ears-c3", c3_variant="r-surveillance")
    assert isinstance(r_var, EarsResult) and r_var.variant == "r-surveillance"
    with pytest.raises(ValueError, match="EARS methods only"):
        detect_aberrations(AGONA, "farrington", h=2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"alpha": 0.01, "h": 2}, "not both"),
        ({"h": -1}, "h must be"),
        ({"alpha": 1.5}, "alpha must"),
        ({"variant": "sas"}, "unknown EARS variant"),
        ({"method": "C4"}, "unknown EARS method"),
    ],
)
def test_ears_level_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        earsc(AGONA, **{"method": "C3", **kwargs})  # type: ignore[arg-type]


SERIES = st.lists(st.integers(0, 40).map(float), min_size=12, max_size=40)


@settings(max_examples=200, deadline=None)
@given(y=SERIES, h=st.floats(0, 6), min_sigma=st.sampled_from([0.0, 0.5, 1.0]))
def test_cdc_c3_properties(y: list[float], h: float, min_sigma: float) -> None:
    res = earsc(y, method="C3", h=h, min_sigma=min_sigma)
    assert np.all(res.statistic >= 0)
    assert np.all(res.statistic[res.alarm] > h)
    np.testing.assert_array_equal(res.alarm, res.statistic > h)
    assert np.all(res.threshold >= 0)
    for i, t in enumerate(res.t):
        c3, _ = _c3_by_hand(y, int(t), min_sigma)
        assert res.statistic[i] == pytest.approx(c3, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(y=SERIES, min_sigma=st.sampled_from([0.0, 1.0]))
def test_r_variant_alarm_implies_c3_above_level(y: list[float], min_sigma: float) -> None:
    res = earsc(y, method="C3", variant="r-surveillance", min_sigma=min_sigma)
    assert np.all(res.statistic >= 0)
    assert np.all(res.statistic[res.alarm] > res.h)


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
