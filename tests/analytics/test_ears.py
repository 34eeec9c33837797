"""EARS C1-C3 against R surveillance 1.26.0 outputs, the package formulas and the CDC's C3."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from fireline.analytics import earsc

from ._data import SURVEILLANCE, column, read_csv

NEWPORT = column(read_csv(SURVEILLANCE / "salmNewport_weekly_by_state.csv"), "germany_total")
EARS_REF = read_csv(SURVEILLANCE / "derived_earsC1_salmNewportGermany_2011_alpha005.csv")
AGONA = column(read_csv(SURVEILLANCE / "salmonella_agona_weekly.csv"), "observed")


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
