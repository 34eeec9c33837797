"""A small quasi-Poisson GLM (log link) fitted the way R's ``glm.fit`` does.

The Farrington detectors are defined by R ``glm(..., family = quasipoisson)``,
so this follows R's iteratively reweighted least squares step for step (same
start ``mu = y + 0.1``, convergence test ``|dev - dev_old| / (|dev| + 0.1) <
1e-8``, at most 25 iterations, working weights of the last iteration kept for
the standard errors) to reproduce R's numbers, using NumPy only. Reference:
McCullagh & Nelder, Generalized Linear Models (1989), ch. 2 and 9; R source
``src/library/stats/R/glm.R`` (``glm.fit``, ``summary.glm``, ``predict.glm``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from fireline.analytics._types import FloatArray

__all__ = ["QuasiPoissonFit", "fit_quasipoisson"]


@dataclass(frozen=True)
class QuasiPoissonFit:
    """Result of :func:`fit_quasipoisson` (names follow R's glm object)."""

    coef: FloatArray
    fitted: FloatArray  # mu
    working_weights: FloatArray  # prior weight * mu, from the last iteration
    working_residuals: FloatArray  # (y - mu) / mu at the final mu
    cov_unscaled: FloatArray  # (X' W X)^-1
    hat: FloatArray  # diagonal of the hat matrix
    df_residual: int
    converged: bool

    def dispersion(self, weights: FloatArray | None = None) -> float:
        """Pearson dispersion as ``summary.glm``: sum(w * r^2) / df_residual.

        ``weights`` replaces the working weights in the sum (a quirk of
        surveillance's farringtonFlexible, which overwrites ``model$weights``).
        """
        w = self.working_weights if weights is None else weights
        if self.df_residual <= 0:
            return float("nan")
        return float(np.sum(w * self.working_residuals**2) / self.df_residual)

    def p_value(self, index: int, dispersion: float) -> float:
        """Two-sided t-test p-value of one coefficient, as ``summary.glm``."""
        se = np.sqrt(dispersion * self.cov_unscaled[index, index])
        t = self.coef[index] / se
        return float(2 * stats.t.sf(abs(t), self.df_residual))

    def predict_link(self, x0: FloatArray, dispersion: float) -> tuple[float, float]:
        """Linear predictor and its standard error at design row ``x0``."""
        eta = float(x0 @ self.coef)
        se = float(np.sqrt(dispersion * (x0 @ self.cov_unscaled @ x0)))
        return eta, se


def _deviance(y: FloatArray, mu: FloatArray, w: FloatArray) -> float:
    # Poisson unit deviance; y*log(y/mu) is 0 when y == 0 (R's y_log_y).
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return float(np.sum(2 * w * (ylogy - (y - mu))))


def fit_quasipoisson(
    x: FloatArray,
    y: FloatArray,
    weights: FloatArray | None = None,
    *,
    maxit: int = 25,
    epsilon: float = 1e-8,
) -> QuasiPoissonFit:
    """Fit ``log E[y] = x @ beta`` by IRLS with prior ``weights``.

    ``x`` is the full-rank design matrix (n, p), ``y`` the counts (n,).
    """
    prior = np.ones_like(y) if weights is None else weights
    eta = np.log(y + 0.1)  # R's quasipoisson()$initialize: mustart <- y + 0.1
    mu = np.exp(eta)
    dev_old = _deviance(y, mu, prior)
    converged = False
    w = np.sqrt(prior * mu)
    coef = np.zeros(x.shape[1])
    for _ in range(maxit):
        w = np.sqrt(prior * mu)  # sqrt(weights * mu.eta^2 / variance) for log link
        z = eta + (y - mu) / mu
        coef = np.asarray(np.linalg.lstsq(x * w[:, None], z * w, rcond=None)[0], np.float64)
        eta = x @ coef
        mu = np.exp(eta)
        dev = _deviance(y, mu, prior)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            converged = True
            break
        dev_old = dev
    q, r = np.linalg.qr(x * w[:, None])
    r_inv = np.linalg.inv(r)
    return QuasiPoissonFit(
        coef=coef,
        fitted=mu,
        working_weights=w**2,
        working_residuals=(y - mu) / mu,
        cov_unscaled=r_inv @ r_inv.T,
        hat=np.sum(q**2, axis=1),
        df_residual=int(np.sum(prior > 0)) - x.shape[1],
        converged=converged,
    )
