"""Rt with an uncertain serial interval against R EpiEstim 3.0.0 (Monte Carlo)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from fireline.analytics import EPIESTIM_COLUMNS, estimate_rt, estimate_rt_uncertain_si
from fireline.analytics.rt_uncertain import sample_truncated_normal

from ._data import EPIESTIM, column, read_csv

FLU = read_csv(EPIESTIM / "Flu2009_incidence.csv")


def test_example4_uncertain_si_within_monte_carlo_error() -> None:
    # The reference is one draw of R's RNG. We estimate the Monte Carlo sd of
    # every statistic from 30 of our own seeded runs; the reference must lie
    # within 4.5 sd (sd inflated by sqrt(1 + 1/30) for the uncertainty of our
    # mean) of our average. With 225 statistics a true method gives |z| > 4.5
    # with probability ~1.5e-3 in all. Measured max |z|: about 1.5.
    kw: dict[str, Any] = {
        "mean_si": 2.6,
        "std_mean_si": 1.0,
        "min_mean_si": 1.0,
        "max_mean_si": 4.2,
        "std_si": 1.5,
        "std_std_si": 0.5,
        "min_std_si": 0.5,
        "max_std_si": 2.5,
        "n1": 100,
        "n2": 100,
    }
    runs = [estimate_rt_uncertain_si(column(FLU, "I"), seed=s, **kw) for s in range(30)]
    ref = read_csv(EPIESTIM / "reference_estimate_R_example4.csv")
    np.testing.assert_array_equal(runs[0].t_start, column(ref, "t_start"))
    for name in EPIESTIM_COLUMNS[2:]:
        values = np.array([r.to_columns()[name] for r in runs])
        mc_sd = values.std(axis=0, ddof=1) * np.sqrt(1 + 1 / len(runs))
        z = (column(ref, name) - values.mean(axis=0)) / mc_sd
        assert np.max(np.abs(z)) < 4.5, name


def test_uncertain_si_is_reproducible_with_a_seed() -> None:
    kw: dict[str, Any] = {
        "mean_si": 2.6,
        "std_mean_si": 1.0,
        "min_mean_si": 1.0,
        "max_mean_si": 4.2,
        "std_si": 1.5,
        "std_std_si": 0.5,
        "min_std_si": 0.5,
        "max_std_si": 2.5,
        "n1": 20,
        "n2": 20,
    }
    a = estimate_rt_uncertain_si(column(FLU, "I"), seed=7, **kw)
    b = estimate_rt_uncertain_si(column(FLU, "I"), seed=7, **kw)
    np.testing.assert_array_equal(a.mean, b.mean)


def test_truncated_normal_stays_inside_and_has_the_truncated_law() -> None:
    rng = np.random.default_rng(11)
    draws = sample_truncated_normal(rng, 2.6, 1.0, 1.0, 4.2, 20_000)
    assert draws.min() >= 1.0 and draws.max() <= 4.2
    law = stats.truncnorm((1.0 - 2.6) / 1.0, (4.2 - 2.6) / 1.0, loc=2.6, scale=1.0)
    assert stats.kstest(draws, law.cdf).pvalue > 1e-3


def test_truncated_normal_with_no_spread() -> None:
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(sample_truncated_normal(rng, 2.0, 0.0, 1.0, 3.0, 5), 2.0)
    with pytest.raises(ValueError, match="exclude the only possible value"):
        sample_truncated_normal(rng, 5.0, 0.0, 1.0, 3.0, 5)


def test_a_certain_si_agrees_with_the_parametric_posterior() -> None:
    # With no spread on the SI's mean and sd every draw comes from the parametric_si
    # gamma posterior, so the sample mean and sd must agree with it up to Monte Carlo
    # error (10,000 draws per window: 5 standard errors).
    incid = column(FLU, "I")
    exact = estimate_rt(incid, si_mean=2.6, si_sd=1.5)
    kw: dict[str, Any] = {
        "mean_si": 2.6,
        "std_mean_si": 0.0,
        "min_mean_si": 1.0,
        "max_mean_si": 4.2,
        "std_si": 1.5,
        "std_std_si": 0.0,
        "min_std_si": 0.5,
        "max_std_si": 2.5,
        "n1": 10,
        "n2": 1000,
    }
    res = estimate_rt_uncertain_si(incid, seed=5, **kw)
    np.testing.assert_array_equal(res.t_start, exact.t_start)
    np.testing.assert_array_equal(res.t_end, exact.t_end)
    assert np.all(np.abs(res.mean - exact.mean) < 5 * exact.std / np.sqrt(10_000))
    np.testing.assert_allclose(res.std, exact.std, rtol=0.05)
    assert res.a_posterior is None and res.si_distr.shape == (10, incid.size + 1)


def test_windows_can_be_given_and_must_be_valid() -> None:
    kw: dict[str, Any] = {
        "mean_si": 2.6,
        "std_mean_si": 1.0,
        "min_mean_si": 1.0,
        "max_mean_si": 4.2,
        "std_si": 1.5,
        "std_std_si": 0.5,
        "min_std_si": 0.5,
        "max_std_si": 2.5,
        "n1": 5,
        "n2": 5,
        "seed": 1,
    }
    incid = column(FLU, "I")
    res = estimate_rt_uncertain_si(incid, t_start=[10, 20], t_end=[16, 30], **kw)
    assert res.t_start.tolist() == [10, 20] and res.t_end.tolist() == [16, 30]
    with pytest.raises(ValueError, match="t_start must be >= 2"):
        estimate_rt_uncertain_si(incid, t_start=[1], t_end=[7], **kw)
    with pytest.raises(ValueError, match="single series"):
        estimate_rt_uncertain_si(np.tile(incid, (2, 1)), **kw)
