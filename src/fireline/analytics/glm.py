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

__all__ = ["QuasiPoissonFit", "design_rank", "fit_quasipoisson", "usable"]


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


_EPS = float(np.finfo(np.float64).eps)
# Cdqrls's rank tolerance in glm.fit: min(1e-7, epsilon / 1000).
_RANK_TOL = 1e-11


def _deviance(y: FloatArray, mu: FloatArray, w: FloatArray) -> float:
    # Poisson unit deviance; y*log(y/mu) is 0 when y == 0 (R's y_log_y).
    with np.errstate(over="ignore", invalid="ignore"):
        ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
        return float(np.sum(2 * w * (ylogy - (y - mu))))


def _linkinv(eta: FloatArray) -> FloatArray:
    # poisson()$linkinv and $mu.eta: pmax(exp(eta), .Machine$double.eps). The
    # floor keeps mu > 0 when a fitted count heads for 0 (a run of zeros).
    with np.errstate(over="ignore"):
        out: FloatArray = np.maximum(np.exp(eta), _EPS)
    return out


def design_rank(x: FloatArray) -> int:
    """Numerical rank of a design as R's QR judges it (relative tolerance 1e-11)."""
    if x.size == 0:
        return 0
    s = np.linalg.svd(x, compute_uv=False)
    return int(np.sum(s > _RANK_TOL * s[0])) if s[0] > 0 else 0


def _step(x: FloatArray, z: FloatArray, w: FloatArray) -> FloatArray | None:
    """Weighted least-squares step, or None when its inputs or result are not finite.

    Non-finite values never reach LAPACK (they made it print ``DLASCL``
    messages and fail with "SVD did not converge"); R's glm.fit stops with
    "non-finite coefficients" in the same place.
    """
    xw, zw = x * w[:, None], z * w
    if not (np.all(np.isfinite(xw)) and np.all(np.isfinite(zw))):
        return None
    coef = np.asarray(np.linalg.lstsq(xw, zw, rcond=None)[0], np.float64)
    return coef if np.all(np.isfinite(coef)) else None


def _halve(
    x: FloatArray, y: FloatArray, prior: FloatArray, coef: FloatArray, old: FloatArray, maxit: int
) -> tuple[FloatArray, float] | None:
    # glm.fit's "step size truncated due to divergence": halve towards the
    # previous coefficients until the deviance is finite again.
    for _ in range(maxit):
        coef = (coef + old) / 2
        dev = _deviance(y, _linkinv(x @ coef), prior)
        if np.isfinite(dev):
            return coef, dev
    return None


def fit_quasipoisson(
    x: FloatArray,
    y: FloatArray,
    weights: FloatArray | None = None,
    *,
    maxit: int = 25,
    epsilon: float = 1e-8,
) -> QuasiPoissonFit:
    """Fit ``log E[y] = x @ beta`` by IRLS with prior ``weights``, as R's glm.fit.

    ``x`` is the design matrix (n, p), ``y`` the counts (n,). The fit is
    marked not converged (``converged`` False) when IRLS does not settle in
    ``maxit`` steps, when a step is not finite, or when the design is rank
    deficient (R would alias a coefficient to NA); callers treat that as R
    does: drop the trend, or give no bound ("not enough data").
    """
    prior = np.ones_like(y) if weights is None else weights
    mu = y + 0.1  # R's quasipoisson()$initialize: mustart <- y + 0.1
    eta = np.log(mu)
    dev_old = _deviance(y, mu, prior)
    converged = design_rank(x[prior > 0]) == x.shape[1]
    w = np.sqrt(prior * mu)
    coef = np.zeros(x.shape[1])
    old: FloatArray | None = None
    for _ in range(maxit if converged else 0):
        w = np.sqrt(prior * mu)  # sqrt(weights * mu.eta^2 / variance), log link
        step = _step(x, eta + (y - mu) / mu, w)
        if step is None:
            converged = False
            break
        coef = step
        dev = _deviance(y, _linkinv(x @ coef), prior)
        if not np.isfinite(dev):
            halved = None if old is None else _halve(x, y, prior, coef, old, maxit)
            if halved is None:
                converged = False
                break
            coef, dev = halved
        eta = x @ coef
        mu = _linkinv(eta)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            return _result(x, y, prior, coef, mu, w, True)
        dev_old, old = dev, coef
    return _result(x, y, prior, coef, mu, w, False)


def usable(fit: QuasiPoissonFit) -> bool:
    """Whether a fit can give a prediction: finite, with a covariance and residual df."""
    return bool(
        fit.df_residual > 0
        and np.all(np.isfinite(fit.coef))
        and np.all(np.isfinite(fit.cov_unscaled))
        and np.isfinite(fit.dispersion())
    )


def _result(
    x: FloatArray,
    y: FloatArray,
    prior: FloatArray,
    coef: FloatArray,
    mu: FloatArray,
    w: FloatArray,
    converged: bool,
) -> QuasiPoissonFit:
    p = x.shape[1]
    df = int(np.sum(prior > 0)) - p
    xw = x * w[:, None]
    if np.all(np.isfinite(xw)) and design_rank(xw) == p:
        q, r = np.linalg.qr(xw)
        r_inv = np.linalg.inv(r)
        cov, hat = r_inv @ r_inv.T, np.sum(q**2, axis=1)
    else:  # rank deficient or not finite: no covariance (R: aliased, NA)
        cov, hat = np.full((p, p), np.nan), np.full(y.size, np.nan)
    return QuasiPoissonFit(
        coef=coef,
        fitted=mu,
        working_weights=w**2,
        working_residuals=(y - mu) / mu,
        cov_unscaled=cov,
        hat=hat,
        df_residual=df,
        converged=converged,
    )
