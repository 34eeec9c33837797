"""The quasi-Poisson GLM against closed forms and the Poisson score equations.

The Farrington detectors (test_farrington*.py) check it against R's numbers end to
end; here each piece is checked on its own where the answer is known exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats

from fireline.analytics.glm import fit_quasipoisson

Y = np.array([3.0, 0.0, 7.0, 4.0, 6.0, 2.0, 9.0, 5.0])

# As R's glm.fit, the working weights (and so the covariance, the hat values and the
# dispersion) are those of the last iteration, computed at the previous mu: they meet
# the closed forms to the convergence tolerance, not to rounding.
LAST_STEP = 1e-5


def test_intercept_only_is_the_sample_mean() -> None:
    n, m = Y.size, float(Y.mean())
    fit = fit_quasipoisson(np.ones((n, 1)), Y)
    assert fit.converged and fit.df_residual == n - 1
    assert fit.coef[0] == pytest.approx(math.log(m), rel=1e-10)
    np.testing.assert_allclose(fit.fitted, m, rtol=1e-10)
    # Fisher information of log(mu) is n * mu; every point has leverage 1/n.
    assert fit.cov_unscaled[0, 0] == pytest.approx(1 / (n * m), rel=LAST_STEP)
    np.testing.assert_allclose(fit.hat, 1 / n, rtol=LAST_STEP)
    # Pearson dispersion: sum((y - m)^2 / m) / (n - 1), i.e. variance over mean.
    phi = float(np.sum((Y - m) ** 2 / m) / (n - 1))
    assert fit.dispersion() == pytest.approx(phi, rel=LAST_STEP)
    assert phi == pytest.approx(Y.var(ddof=1) / m, rel=1e-12)


def test_link_prediction_and_t_test_of_the_intercept() -> None:
    n, m = Y.size, float(Y.mean())
    fit = fit_quasipoisson(np.ones((n, 1)), Y)
    phi = fit.dispersion()
    se = math.sqrt(phi / (n * m))
    eta, got_se = fit.predict_link(np.array([1.0]), phi)
    assert eta == pytest.approx(math.log(m), rel=1e-10)
    assert got_se == pytest.approx(se, rel=LAST_STEP)
    expected = 2 * stats.t.sf(math.log(m) / se, n - 1)
    assert fit.p_value(0, phi) == pytest.approx(expected, rel=LAST_STEP)


def test_two_groups_give_the_group_means() -> None:
    group = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=float)
    x = np.column_stack([np.ones(Y.size), group])
    fit = fit_quasipoisson(x, Y)
    m0, m1 = Y[:4].mean(), Y[4:].mean()
    np.testing.assert_allclose(fit.coef, [math.log(m0), math.log(m1 / m0)], rtol=1e-9)
    np.testing.assert_allclose(fit.fitted, np.where(group == 1, m1, m0), rtol=1e-9)
    assert fit.df_residual == Y.size - 2


def test_trend_fit_is_the_poisson_maximum_likelihood() -> None:
    t = np.arange(1.0, Y.size + 1)
    x = np.column_stack([np.ones(Y.size), t])
    fit = fit_quasipoisson(x, Y)
    # The log link is canonical: the score X'(y - mu) vanishes at the estimate ...
    np.testing.assert_allclose(x.T @ (Y - fit.fitted), 0.0, atol=1e-6)

    # ... which is where a general optimiser puts the Poisson likelihood's maximum.
    def nll(beta: np.ndarray) -> float:
        return -float(stats.poisson.logpmf(Y, np.exp(x @ beta)).sum())

    direct = optimize.minimize(nll, np.zeros(2), method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(fit.coef, direct.x, rtol=1e-5)
    # The unscaled covariance is the inverse Fisher information (X' diag(mu) X)^-1.
    info = x.T @ (fit.fitted[:, None] * x)
    np.testing.assert_allclose(fit.cov_unscaled, np.linalg.inv(info), rtol=LAST_STEP)
    assert fit.hat.sum() == pytest.approx(2.0, rel=1e-9)  # trace of the hat matrix = p


def test_prior_weights_weigh_the_mean_and_zero_weights_leave_the_fit() -> None:
    w = np.array([1.0, 0.0, 2.0, 1.0, 0.5, 0.0, 1.0, 3.0])
    fit = fit_quasipoisson(np.ones((Y.size, 1)), Y, w)
    assert fit.coef[0] == pytest.approx(math.log(np.sum(w * Y) / w.sum()), rel=1e-10)
    assert fit.df_residual == 6 - 1  # two observations carry no weight
    m = math.exp(fit.coef[0])
    phi = float(np.sum(w * (Y - m) ** 2 / m) / 5)
    assert fit.dispersion() == pytest.approx(phi, rel=LAST_STEP)
    # farringtonFlexible's quirk: the prior weights stand in for the working weights
    # (w * mu) beside the working residuals (y - mu) / mu.
    assert fit.dispersion(w) == pytest.approx(
        float(np.sum(w * ((Y - m) / m) ** 2) / 5), rel=LAST_STEP
    )


def test_saturated_model_has_no_dispersion_and_stopping_early_is_reported() -> None:
    x = np.eye(3)
    fit = fit_quasipoisson(x, np.array([1.0, 4.0, 2.0]))
    np.testing.assert_allclose(fit.fitted, [1.0, 4.0, 2.0], rtol=1e-8)
    assert fit.df_residual == 0 and math.isnan(fit.dispersion())
    assert not fit_quasipoisson(np.ones((Y.size, 1)), Y, maxit=1).converged
