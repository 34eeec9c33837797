"""Rt (EpiEstim method) against R EpiEstim 3.0.0 and epyestim outputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fireline.analytics import (
    EPIESTIM_COLUMNS,
    discr_si,
    estimate_rt,
    estimate_rt_many,
)
from fireline.analytics.rt import default_windows, overall_infectivity

from ._data import EPIESTIM, column, read_csv

FLU = read_csv(EPIESTIM / "Flu2009_incidence.csv")
FLU_SI = column(read_csv(EPIESTIM / "Flu2009_si_distr.csv"), "p")


def assert_matches_reference(result_cols: dict[str, np.ndarray], ref_name: str) -> None:
    ref = read_csv(EPIESTIM / ref_name)
    for name in EPIESTIM_COLUMNS:
        # R printed 7-8 significant digits, so 1e-6 relative is the floor.
        np.testing.assert_allclose(result_cols[name], column(ref, name), rtol=1e-6, err_msg=name)


def test_example1_non_parametric_si() -> None:
    res = estimate_rt(column(FLU, "I"), si_distr=FLU_SI)
    assert_matches_reference(res.to_columns(), "reference_estimate_R_example1.csv")


def test_example2_local_and_imported() -> None:
    inc = read_csv(EPIESTIM / "reference_example2_incidence.csv")
    res = estimate_rt(column(inc, "local"), column(inc, "imported"), si_mean=2.6, si_sd=1.5)
    assert_matches_reference(res.to_columns(), "reference_estimate_R_example2.csv")


def test_example3_parametric_si() -> None:
    res = estimate_rt(column(FLU, "I"), si_mean=2.6, si_sd=1.5)
    assert_matches_reference(res.to_columns(), "reference_estimate_R_example3.csv")


@pytest.mark.parametrize(
    "dataset",
    ["Flu1918", "Flu2009", "Measles1861", "SARS2003", "Smallpox1972", "covid_deaths_2020_uk"],
)
def test_epyestim_windows(dataset: str) -> None:
    # epyestim's a_prior=1, b_prior=5 (shape, scale) is EpiEstim's default
    # prior (mean 5, sd 5); the reference keeps EpiEstim's windows (t_start >= 2,
    # t_end > SI mean), which is what we return, so everything must agree.
    inc = read_csv(EPIESTIM / f"{dataset}_incidence.csv")
    si = column(read_csv(EPIESTIM / f"{dataset}_si_distr.csv"), "p")
    ref = read_csv(EPIESTIM / f"reference_epyestim_{dataset}_weekly_R.csv")
    res = estimate_rt(column(inc, "I"), si_distr=si)
    np.testing.assert_array_equal(res.t_start, column(ref, "t_start"))
    np.testing.assert_array_equal(res.t_end, column(ref, "t_end"))
    np.testing.assert_allclose(res.a_posterior, column(ref, "a_posterior"), rtol=1e-9)  # type: ignore[arg-type]
    np.testing.assert_allclose(res.b_posterior, column(ref, "b_posterior"), rtol=1e-9)  # type: ignore[arg-type]
    cols = res.to_columns()
    for name in EPIESTIM_COLUMNS[2:]:
        np.testing.assert_allclose(cols[name], column(ref, name), rtol=1e-9, err_msg=name)


def test_default_windows_are_epiestims() -> None:
    ts, te = default_windows(32)
    assert ts[0] == 2 and ts[-1] == 26 and np.all(te - ts == 6)


def test_windows_not_after_mean_si_are_dropped() -> None:
    inc = read_csv(EPIESTIM / "Measles1861_incidence.csv")
    si = column(read_csv(EPIESTIM / "Measles1861_si_distr.csv"), "p")
    res = estimate_rt(column(inc, "I"), si_distr=si)
    assert res.t_end[0] == 15  # mean SI 14.9: t_end <= 14 dropped


def test_day_one_cases_are_imported() -> None:
    incid = column(FLU, "I").copy()
    base = estimate_rt(incid, si_distr=FLU_SI)
    incid[0] += 10
    more = estimate_rt(incid, si_distr=FLU_SI)
    # Day 1 adds infectivity (lower R early) but never local cases.
    np.testing.assert_array_equal(base.a_posterior, more.a_posterior)
    assert more.mean[0] < base.mean[0]


def test_fft_and_direct_convolution_agree() -> None:
    rng = np.random.default_rng(3)
    x = rng.poisson(20, (4, 300)).astype(float)
    si = np.append(discr_si(np.arange(300), 6.1, 4.2), 0.0)  # long: FFT path
    lam = overall_infectivity(x, si)
    naive = np.array([[np.sum(si[: t + 1] * row[t::-1]) for t in range(300)] for row in x])
    np.testing.assert_allclose(lam[:, 1:], naive[:, 1:], rtol=1e-9, atol=1e-9)


def test_short_si_direct_convolution_agrees_with_the_sum() -> None:
    # Up to six non-zero lags take the shifted multiply-add path of _conv, not the FFT;
    # one SI row per series as well as one row for all.
    rng = np.random.default_rng(4)
    x = rng.poisson(20, (3, 50)).astype(float)
    si = np.array([0.0, 0.2, 0.5, 0.0, 0.3])
    per_series = np.array([si, np.roll(si, 1), [0.0, 1.0, 0.0, 0.0, 0.0]])
    for kernel in (si, per_series):
        rows = np.broadcast_to(np.atleast_2d(kernel), (3, si.size))
        naive = np.array(
            [
                [sum(k[j] * row[t - j] for j in range(min(t + 1, si.size))) for t in range(50)]
                for k, row in zip(rows, x, strict=True)
            ]
        )
        lam = overall_infectivity(x, kernel)
        assert np.isnan(lam[:, 0]).all()
        np.testing.assert_allclose(lam[:, 1:], naive[:, 1:], rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"si_distr": [0.5, 0.5]},
        {"si_mean": 2.6},
        {"si_mean": 2.6, "si_sd": 1.5, "si_distr": FLU_SI},
    ],
)
def test_bad_si_is_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        estimate_rt(column(FLU, "I"), **kwargs)  # type: ignore[arg-type]


def test_negative_incidence_is_rejected() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        estimate_rt(-column(FLU, "I"), si_distr=FLU_SI)


def test_many_series_at_full_size() -> None:
    # Speed is measured in bench/rt.py, not asserted here; this checks the shapes and
    # that the vectorised rows equal single-series runs at the benchmark's size.
    x = np.random.default_rng(1).poisson(50, (3000, 1000))
    res = estimate_rt_many(x, si_mean=6.1, si_sd=4.2)
    assert res.mean.shape == (3000, 993)  # t_end = 7 is not after the mean SI 6.1
    for row in (0, 1234, 2999):
        one = estimate_rt(x[row], si_mean=6.1, si_sd=4.2)
        np.testing.assert_allclose(res.mean[row], one.mean, rtol=1e-12)


series = arrays(np.int64, st.integers(10, 40), elements=st.integers(0, 500))


@settings(max_examples=60, deadline=None)
@given(series, st.integers(1, 5))
def test_single_and_many_agree(incid: np.ndarray, copies: int) -> None:
    one = estimate_rt(incid, si_mean=2.6, si_sd=1.5)
    many = estimate_rt_many(np.tile(incid, (copies, 1)), si_mean=2.6, si_sd=1.5)
    for i in range(copies):
        np.testing.assert_allclose(many.mean[i], one.mean, rtol=1e-12)
        np.testing.assert_allclose(many.quantiles[:, i], one.quantiles, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(10, 40), elements=st.floats(0, 1e4)))
def test_posterior_is_positive_and_ordered(incid: np.ndarray) -> None:
    res = estimate_rt(incid, si_distr=FLU_SI)
    assert np.all(res.mean > 0) and np.all(res.std > 0)
    assert np.all(np.diff(res.quantiles, axis=0) >= 0)
    assert np.all((res.quantiles[0] <= res.mean) & (res.mean <= res.quantiles[-1]))


def test_spline_quantiles_for_large_shapes_equal_exact_inversion() -> None:
    from scipy import special

    from fireline.analytics.rt import QUANTILE_PROBS, _standard_gamma_quantiles

    rng = np.random.default_rng(7)
    shapes = np.concatenate([np.arange(1.0, 200.0, 0.25), np.exp(rng.uniform(4.0, 18.0, 5000))])
    probs = np.asarray(QUANTILE_PROBS)
    exact = special.gammaincinv(shapes[None, :], probs[:, None])
    assert np.max(np.abs(_standard_gamma_quantiles(shapes, probs) / exact - 1)) < 1e-12


def test_huge_then_quiet_counts_match_exact_arithmetic() -> None:
    """10^8 cases a day, then a quiet tail: FFT round-off and differences of cumulative
    sums drifted 5e-9 from EpiEstim's formulas; here they are evaluated in exact
    rational arithmetic (Cori et al. 2013, Web Appendix 1) on the same doubles."""
    from fractions import Fraction

    from fireline.analytics.rt import _resolve_si

    n = 60
    x = np.zeros(n)
    x[:5] = 1e8
    x[30:] = np.random.default_rng(3).poisson(3, 30)
    si = _resolve_si(2.6, 1.5, None, n)
    lam = [sum(Fraction(si[k]) * Fraction(x[t - k]) for k in range(t + 1)) for t in range(n)]
    res = estimate_rt(x, si_mean=2.6, si_sd=1.5)
    a_prior, rate_prior = Fraction(1), Fraction(1, 5)  # mean 5, sd 5
    for ts, mean in zip(res.t_start, res.mean, strict=True):
        if ts < 31:
            continue
        window = slice(int(ts) - 1, int(ts) + 6)
        a = a_prior + sum(Fraction(v) for v in x[window])
        exact = a / (rate_prior + sum(lam[window]))
        assert float(mean) == pytest.approx(float(exact), rel=1e-13)
