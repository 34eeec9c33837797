"""Forecast: renewal trajectories, bed bands, the WIS, and the scored benchmark."""

from __future__ import annotations

import numpy as np
import pytest
from bench.benchmarks import forecast as forecast_bench

from fireline.analytics.forecast import bed_forecast, forecast_cases
from fireline.analytics.scoring import coverage, interval_score, weighted_interval_score
from fireline.analytics.si import discr_si
from fireline.care.beds import census, project_cases


def _renewal(r: float, days: int, seed_cases: float = 20.0) -> np.ndarray:
    w = discr_si(np.arange(days + 1), 4.7, 2.9)
    inc = np.zeros(days)
    inc[:5] = seed_cases
    for t in range(5, days):
        inc[t] = r * float(inc[:t][::-1] @ w[1 : t + 1])
    return np.round(inc)


def test_poisson_mean_follows_the_renewal_equation() -> None:
    history = _renewal(1.1, 60)
    fc = forecast_cases(history, si_mean=4.7, si_sd=2.9, drift=0.0, trajectories=4000, seed=3)
    r_hat = float(fc.r_mean[0])
    expected = project_cases(history, r_hat, 4.7, 2.9, 14)
    mean = fc.trajectories[0].mean(axis=0)
    # Flat trend (same R in both windows), no drift: the mean is the deterministic path.
    assert np.allclose(mean, expected, rtol=0.06)
    assert 1.0 < r_hat < 1.2


def test_bands_are_ordered_and_reproducible() -> None:
    history = np.stack([_renewal(1.3, 50), _renewal(0.8, 50, 200.0)])
    fc = forecast_cases(history, si_mean=4.7, si_sd=2.9, dispersion=0.5, seed=9)
    b = fc.bands()
    assert b["median"].shape == (2, 14)
    assert np.all(b["lower90"] <= b["lower50"]) and np.all(b["lower50"] <= b["median"])
    assert np.all(b["median"] <= b["upper50"]) and np.all(b["upper50"] <= b["upper90"])
    assert b["median"][0, -1] > b["median"][0, 0]  # growing
    assert b["median"][1, -1] < b["median"][1, 0]  # declining
    again = forecast_cases(history, si_mean=4.7, si_sd=2.9, dispersion=0.5, seed=9).bands()
    assert np.array_equal(again["upper90"], b["upper90"])


def test_no_recent_cases_forecasts_zero() -> None:
    history = np.zeros((1, 60))
    history[0, :5] = 3
    fc = forecast_cases(history, si_mean=4.7, si_sd=2.9, dispersion=0.3)
    assert fc.trajectories.max() == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"incidence": [1.0, -1.0] * 10},
        {"incidence": [1.0, np.nan] * 10},
        {"incidence": [1.0] * 5},
        {"incidence": [1.0] * 20, "horizon": 0},
        {"incidence": [1.0] * 20, "dispersion": 0.0},
    ],
)
def test_forecast_refuses_bad_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        forecast_cases(si_mean=4.7, si_sd=2.9, **kwargs)  # type: ignore[arg-type]


def test_beds_per_trajectory_match_the_census_model() -> None:
    history = _renewal(1.2, 50)
    fc = forecast_cases(history, si_mean=4.7, si_sd=2.9, trajectories=200)
    beds = bed_forecast(fc, share=0.1, mean_stay=5.0, open_now=12.0)
    assert beds.shape == fc.trajectories.shape
    one = fc.trajectories[0, 17]
    assert np.allclose(beds[0, 17], census(one * 0.1, 12.0, 5.0))
    icu = bed_forecast(fc, share=0.02, mean_stay=8.0)
    assert icu.mean() < beds.mean()
    with pytest.raises(ValueError):
        bed_forecast(fc, share=1.5, mean_stay=5.0)


def test_weighted_interval_score_by_hand() -> None:
    intervals = {0.5: (6.0, 12.0), 0.1: (2.0, 15.0)}
    # Inside both: (0.5*2 + 0.25*6 + 0.05*13) / 2.5
    assert weighted_interval_score(10.0, 8.0, intervals) == pytest.approx(1.26)
    # Above both: penalties 2/alpha * (y - u).
    assert weighted_interval_score(20.0, 8.0, intervals) == pytest.approx(
        (6.0 + 0.25 * (6 + 4 * 8) + 0.05 * (13 + 20 * 5)) / 2.5
    )
    assert interval_score(1.0, 2.0, 4.0, 0.5) == pytest.approx(2.0 + 4.0)
    assert coverage([1, 5, 9], [0, 0, 0], [4, 5, 8]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        weighted_interval_score(1.0, 1.0, {1.5: (0.0, 2.0)})


def test_forecast_beats_persistence_with_honest_intervals() -> None:
    # The benchmark's scoring at its small scale (the full table is in docs/benchmarks.md).
    res = forecast_bench.score("small")
    assert res["dates"] >= 60
    assert res["wis_ratio"] <= 0.8
    assert 0.82 <= res["coverage90"] <= 0.95
    assert set(res["phases"]) == {"growth", "peak", "decline"}
