"""Discrete serial intervals as EpiEstim builds and checks them."""

from __future__ import annotations

import numpy as np
import pytest

from fireline.analytics import discr_si
from fireline.analytics.si import check_si_distr, si_mean_sd

from ._data import EPIESTIM, column, read_csv

FLU_SI = column(read_csv(EPIESTIM / "Flu2009_si_distr.csv"), "p")


def test_discr_si_matches_shipped_flu_pmf() -> None:
    # The shipped Flu2009 pmf is discr_si(0:12, 2.6, 1.5) rounded to 3 decimals.
    np.testing.assert_allclose(discr_si(np.arange(FLU_SI.size), 2.6, 1.5), FLU_SI, atol=5e-4)


def test_discr_si_sums_to_one_and_is_zero_at_day_zero() -> None:
    p = discr_si(np.arange(200), 8.4, 3.8)
    assert p[0] == 0
    assert p.sum() == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize(("mean", "sd"), [(8.4, 3.8), (14.9, 3.9)])
def test_discr_si_keeps_the_mean_and_adds_a_triangle_variance(mean: float, sd: float) -> None:
    # w_k weighs the shifted gamma with a triangle over (k-1, k+1) (a delay that starts
    # uniformly within day 0 ends within day k): the pmf is the SI plus U1 - U2 for
    # independent uniforms, so its mean is the SI mean and its variance sd^2 + 1/6.
    got_mean, got_sd = si_mean_sd(discr_si(np.arange(400), mean, sd))
    assert got_mean == pytest.approx(mean, rel=1e-9)
    assert got_sd**2 == pytest.approx(sd**2 + 1 / 6, rel=1e-5)


@pytest.mark.parametrize(
    ("k", "mean", "sd", "message"),
    [
        ([0, 1], 1.0, 1.5, "must be > 1"),
        ([0, 1], 2.6, 0.0, "must be > 0"),
        ([-1, 0], 2.6, 1.5, ">= 0"),
    ],
)
def test_discr_si_rejects_bad_parameters(
    k: list[int], mean: float, sd: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        discr_si(k, mean, sd)


def test_si_mean_sd_of_a_small_pmf() -> None:
    # Days 1 and 3 with mass 1/2 each: mean 2, variance 1.
    assert si_mean_sd(np.array([0.0, 0.5, 0.0, 0.5])) == (2.0, 1.0)


def test_check_si_distr_accepts_epiestims_tolerance() -> None:
    np.testing.assert_array_equal(check_si_distr(FLU_SI), FLU_SI)
    check_si_distr([0.0, 0.5, 0.509])  # sums to 1.009: within 0.01
    with pytest.raises(ValueError, match="sum to 1"):
        check_si_distr([0.0, 0.5, 0.511])


@pytest.mark.parametrize(
    ("pmf", "message"),
    [
        ([1.0], "at least 2"),
        ([[0.0, 1.0]], "1-D"),
        ([0.1, 0.9], r"si_distr\[0\] must be 0"),
        ([0.0, 1.2, -0.2], "non-negative"),
        ([0.0, float("nan"), 1.0], "finite"),
    ],
)
def test_check_si_distr_rejects(pmf: list[float] | list[list[float]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_si_distr(pmf)
