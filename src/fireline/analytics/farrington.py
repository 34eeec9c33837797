"""Farrington aberration detection: original (1996) and flexible (2013).

* Original: Farrington, Andrews, Beale & Catchpole, "A statistical algorithm
  for the early detection of outbreaks of infectious disease", J R Stat Soc A
  1996;159:547-63, as R ``surveillance::algo.farrington`` (surveillance
  1.26.0, ``R/algo_farrington.R``, ``fitFun = "algo.farrington.fitGLM.fast"``).
* Flexible: Noufaily et al., "An improved algorithm for outbreak detection in
  multiple surveillance systems", Stat Med 2013;32:1206-22, as R
  ``surveillance::farringtonFlexible`` (``R/farringtonFlexible.R``).

Both take time points by index with ``freq`` points a year (R's
``epochAsDate = FALSE`` path): the reference weeks of week t are t - freq*i.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from fireline.analytics._result import AberrationResult
from fireline.analytics._types import FloatArray, IntArray
from fireline.analytics.glm import QuasiPoissonFit, fit_quasipoisson, usable

__all__ = [
    "PowerTransform",
    "ThresholdMethod",
    "Thresholds",
    "anscombe_residuals",
    "assign_weights",
    "farrington",
    "threshold_farrington",
    "threshold_noufaily",
]

PowerTransform = Literal["none", "1/2", "2/3"]
ThresholdMethod = Literal["delta", "nbPlugin", "muan"]
_EXPONENT = {"none": 1.0, "1/2": 0.5, "2/3": 2.0 / 3.0}


@dataclass(frozen=True)
class Thresholds:
    """Lower and upper bound, exceedance probability and score at one point."""

    lower: float
    upper: float
    prob: float
    score: float


def anscombe_residuals(fit: QuasiPoissonFit, y: FloatArray, phi: float) -> FloatArray:
    """Standardised Anscombe residuals of a Poisson fit (Farrington 1996, sec. 3.3)."""
    mu = fit.fitted
    raw = 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - np.sqrt(mu))
    with np.errstate(divide="ignore", invalid="ignore"):  # hat 1: a point fitted exactly
        out: FloatArray = raw / np.sqrt(phi * (1 - fit.hat))
    return out


def assign_weights(s: FloatArray, threshold: float = 1.0) -> FloatArray:
    """Down-weight past outbreaks: s^-2 above ``threshold``, 1 below, rescaled.

    Farrington 1996, sec. 3.3 (threshold 1); Noufaily 2013 uses 2.58. The
    weights are scaled to sum to the number of points (surveillance
    ``algo.farrington.assign.weights``).
    """
    high = s > threshold
    raw = np.ones_like(s)
    raw[high] = s[high] ** -2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = raw * (s.size / raw.sum())
    return out


def _transform_se(mu0: float, se_fit: float, phi: float, transform: str) -> tuple[float, float]:
    # Variance of the transformed count y^e by the delta method (Farrington
    # 1996, sec. 3.4): tau = phi + var(mu0) / mu0.
    if transform not in _EXPONENT:
        raise ValueError("No proper exponent: powertrans must be 'none', '1/2' or '2/3'")
    tau = phi + se_fit**2 / mu0
    e = _EXPONENT[transform]
    se = {
        "none": np.sqrt(mu0 * tau),
        "1/2": np.sqrt(tau / 4),
        "2/3": np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau),
    }[transform]
    return e, float(se)


def _power_bounds(mu0: float, se: float, e: float, z: float) -> tuple[float, float]:
    centre = mu0**e
    with np.errstate(invalid="ignore"):
        ends = np.power(np.array([centre - z * se, centre + z * se]), 1 / e)
    # A negative base gives NaN (R: NA); R sorts NA first and floors it at 0.
    lower = 0.0 if np.isnan(ends[0]) else max(0.0, float(ends[0]))
    return lower, float(ends[1])


def threshold_farrington(
    pred_fit: float,
    pred_se: float,
    phi: float,
    powertrans: str = "2/3",
    alpha: float = 0.05,
    y: float = 0.0,
) -> Thresholds:
    """One-sided Farrington bound (surveillance ``algo.farrington.threshold.farrington``).

    ``pred_fit``/``pred_se`` are the predicted mean and its standard error on
    the count scale; ``phi`` the overdispersion; ``powertrans`` the power
    transformation against skewness; ``alpha`` the one-sided level; ``y`` the
    observed count. ``prob`` is P(Y^e >= y^e) under the normal approximation.
    """
    e, se = _transform_se(pred_fit, pred_se, phi, powertrans)
    z = float(stats.norm.ppf(1 - alpha))
    lower, upper = _power_bounds(pred_fit, se, e, z)
    prob = float(stats.norm.sf(y**e, loc=pred_fit**e, scale=se))
    # R divides by a zero width (upper == pred_fit) and gets Inf or NaN, not an error
    with np.errstate(divide="ignore", invalid="ignore"):
        width = np.float64(upper) - np.float64(pred_fit)
        score = float(np.float64(y - pred_fit) / width) if np.isfinite(upper) else float("nan")
    return Thresholds(lower, upper, prob, score)


def threshold_noufaily(
    pred_fit: float,
    pred_se: float,
    phi: float,
    alpha: float = 0.05,
    y: float = 0.0,
    method: ThresholdMethod = "muan",
) -> Thresholds:
    """Negative-binomial quantile bound (surveillance ``algo.farrington.threshold.noufaily``).

    ``pred_fit``/``pred_se`` are on the log (link) scale. ``nbPlugin`` plugs
    in mu0 = exp(eta0); ``muan`` uses the (1 - alpha) quantile of exp(eta0)
    (Noufaily et al. 2013, sec. 3.2). With phi > 1 the count is negative
    binomial with size mu0/(phi - 1) and prob 1/phi (mean mu0, variance
    phi * mu0), else Poisson. The score keeps the package's link-scale centre.
    """
    with np.errstate(over="ignore"):
        if method == "nbPlugin":
            mu0 = float(np.exp(pred_fit))
        else:
            mu0 = float(np.exp(stats.norm.ppf(1 - alpha, loc=pred_fit, scale=pred_se)))
    if not np.isfinite(mu0):  # R: mu0Quantile == Inf gives NA bounds
        return Thresholds(float("nan"), float("nan"), float("nan"), float("nan"))
    phi_used = phi if phi > 1 else 1.0
    lower = max(0.0, _count_quantile(mu0, phi_used, alpha))
    upper = _count_quantile(mu0, phi_used, 1 - alpha)
    if mu0 <= _SCIPY_MAX_MEAN:
        # The distributions' own methods, not frozen ones: freezing builds a new
        # distribution object (with its docstrings) each time, the daily run's cost.
        if phi > 1:
            prob = float(stats.nbinom.sf(y - 1, mu0 / (phi - 1), 1 / phi))
        else:
            prob = float(stats.poisson.sf(y - 1, mu0))
    else:
        prob = float(stats.norm.sf(y - 0.5, loc=mu0, scale=np.sqrt(phi_used * mu0)))
    return Thresholds(lower, upper, prob, (y - pred_fit) / (upper - pred_fit))


# SciPy's negative binomial quantile hangs or aborts the process (SIGABRT in
# its Boost backend) for means near 1e17 and above; R's qnbinom answers. Above
# this mean the count quantile comes from the Cornish-Fisher expansion instead.
_SCIPY_MAX_MEAN = 1e9


def _count_quantile(mu: float, phi: float, p: float) -> float:
    """p-quantile of a count with mean ``mu`` and variance ``phi * mu``.

    Negative binomial (size mu/(phi-1), prob 1/phi) if phi > 1, else Poisson,
    as R ``qnbinom``/``qpois``. For means above 1e9 the first-order
    Cornish-Fisher expansion (skewness (2 phi - 1)/sd; Johnson, Kemp & Kotz,
    Univariate Discrete Distributions, 3rd ed., 5.5) is used: its error is
    below 1e-5 counts there, and it equals R's value (checked to 1e18 in
    tests/analytics/test_farrington_robust.py).
    """
    if mu <= _SCIPY_MAX_MEAN:
        if phi > 1:
            return float(stats.nbinom.ppf(p, mu / (phi - 1), 1 / phi))
        return float(stats.poisson.ppf(p, mu))
    z = float(stats.norm.ppf(p))
    sd = float(np.sqrt(phi * mu))
    q = mu + sd * (z + (z * z - 1) * (2 * phi - 1) / sd / 6)
    return float(np.ceil(q - 0.5))  # continuity: the discrete quantile


@dataclass(frozen=True)
class Fitted:
    """A reference-data fit: the GLM, its dispersion (>= 1), weights, and trend kept."""

    fit: QuasiPoissonFit
    phi: float
    omega: FloatArray | None
    trend: bool


def fit_reference(
    x: FloatArray, y: FloatArray, reweight: bool, weights_threshold: float, trend: bool
) -> Fitted | None:
    """Quasi-Poisson fit of the reference data, refitted with outbreak weights.

    As surveillance ``algo.farrington.fitGLM.fast`` / ``.flexible``: a fit
    with the time trend (column 1 of ``x``) that does not converge is redone
    without it ("No convergence with timeTrend -- trying without"). ``None``
    when no usable fit remains (R returns NULL or stops): too few reference
    points for the parameters, or a fit that does not settle; the caller
    reports that point as "not enough data".
    """
    fit = fit_quasipoisson(x, y)
    if trend and not fit.converged:
        x, trend = np.delete(x, 1, axis=1), False
        fit = fit_quasipoisson(x, y)
    if not (fit.converged and usable(fit)):
        return None
    phi = max(fit.dispersion(), 1.0)
    if not reweight:
        return Fitted(fit, phi, None, trend)
    omega = assign_weights(anscombe_residuals(fit, y, phi), weights_threshold)
    if not np.all(np.isfinite(omega)):
        return None
    fit = fit_quasipoisson(x, y, omega)
    return Fitted(fit, max(fit.dispersion(), 1.0), omega, trend) if usable(fit) else None


def _design(wtime: IntArray, trend: bool) -> FloatArray:
    cols = [np.ones(wtime.size)] + ([wtime.astype(np.float64)] if trend else [])
    return np.column_stack(cols)


def _reference_times(k: int, b: int, w: int, freq: int) -> IntArray:
    # algo.farrington: k - freq*i + (-w..w) for i = b..1, keeping indices >= 1.
    offsets = np.arange(-w, w + 1)
    idx = np.concatenate([k - freq * i + offsets for i in range(b, 0, -1)])
    return idx[idx > 0]


def _enough_cases(y: FloatArray, k: int, limit54: tuple[int, int]) -> bool:
    # "Fewer than 5 reports in the last 4 weeks (current included): no alarm".
    cases, weeks = limit54
    return bool(y[max(k - weeks, 0) : k].sum() >= cases)


_NO_FIT = (float("nan"), float("nan"), 0.0)


def _farrington_point(
    y: FloatArray,
    k: int,
    b: int,
    w: int,
    freq: int,
    alpha: float,
    reweight: bool,
    trend: bool,
    powertrans: str,
) -> tuple[float, float, float]:
    """Expected count, upper bound and trend kept (0/1) at point k; NaN if no fit."""
    wtime = _reference_times(k, b, w, freq)
    resp = y[wtime - 1]
    got = fit_reference(_design(wtime, trend), resp, reweight, 1.0, trend)
    if got is not None and got.trend:
        fit = got.fit
        significant = fit.p_value(1, fit.dispersion()) < 0.05
        with np.errstate(over="ignore"):
            mu_k = float(np.exp(fit.coef @ np.array([1.0, k])))
        # Farrington 1996: keep the trend only if significant, not
        # extrapolating beyond the data, and with at least 3 years of history.
        if not (b >= 3 and significant and mu_k <= resp.max()):
            got = fit_reference(_design(wtime, False), resp, reweight, 1.0, False)
    if got is None:
        return _NO_FIT
    x0 = np.array([1.0, k]) if got.trend else np.array([1.0])
    eta, se_eta = got.fit.predict_link(x0, got.phi)
    mu0 = float(np.exp(eta))
    e, se = _transform_se(mu0, se_eta * mu0, got.phi, powertrans)
    z = float(stats.norm.ppf(1 - alpha / 2))  # two-sided in the 1996 paper
    return mu0, _power_bounds(mu0, se, e, z)[1], float(got.trend)


def farrington(
    observed: ArrayLike,
    *,
    b: int = 5,
    w: int = 3,
    alpha: float = 0.05,
    reweight: bool = True,
    trend: bool = True,
    limit54: tuple[int, int] = (5, 4),
    powertrans: PowerTransform = "2/3",
    freq: int = 52,
    t: ArrayLike | None = None,
) -> AberrationResult:
    """Original Farrington algorithm, as R ``surveillance::algo.farrington``.

    Parameters
    ----------
    observed:
        Counts per period, oldest first, ``freq`` periods a year.
    b:
        Number of past years in the reference data.
    w:
        Half-width of the window around each reference week.
    alpha:
        Two-sided level of the prediction interval (package default 0.05).
    reweight:
        Refit with weights that down-weight past outbreaks (Anscombe residuals).
    trend:
        Try a linear time trend (kept only if significant at 5 %, b >= 3 and
        the prediction does not exceed the largest reference count).
    limit54:
        (cases, periods): no bound and no alarm unless at least ``cases``
        reports fell in the last ``periods`` periods.
    powertrans:
        Power transformation: "2/3" (default), "1/2" or "none".
    freq:
        Periods per year (52 weekly, 12 monthly, 365 daily).
    t:
        1-based points to monitor; default ``freq*b - w .. n`` as the package.
    """
    y = np.asarray(observed, dtype=np.float64)
    rng = np.arange(freq * b - w, y.size + 1) if t is None else np.asarray(t, dtype=np.int64)
    if rng.size == 0 or rng.min() < 1 or rng.max() > y.size:
        raise ValueError(f"time points to monitor must lie within 1..{y.size}")
    out = np.zeros((rng.size, 3))
    for i, k in enumerate(rng):  # each point needs its own GLM fit
        out[i] = _farrington_point(y, int(k), b, w, freq, alpha, reweight, trend, powertrans)
    expected, upper, kept = out.T
    enough = np.array([_enough_cases(y, int(k), limit54) for k in rng])
    obs = y[rng - 1]
    # algo.farrington reports an upper bound of 0 when there are too few cases;
    # NaN (no bound, no alarm) where the reference data allow no fit.
    threshold = np.where(enough | np.isnan(upper), upper, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        alarm = enough & ((obs - expected) / (upper - expected) > 1)
    return AberrationResult(
        t=rng,
        observed=obs,
        threshold=threshold,
        alarm=alarm,
        expected=expected,
        trend=kept.astype(bool),
    )
