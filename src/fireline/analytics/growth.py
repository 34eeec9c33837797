"""Exponential growth rate and doubling time from a log-linear fit.

Two fits over the last ``window`` days of a count series:

* ``"poisson"`` (default): quasi-Poisson GLM ``log E[y_t] = a + r t`` by IRLS,
  with the Pearson dispersion (floored at 1) inflating the standard error, as
  in the R packages i2extras/trending (``fit_curve(model = "poisson")``) and
  Wallinga & Lipsitch, Proc R Soc B 2007;274:599-604 (r from incidence). It
  handles zero counts without a continuity correction.
* ``"ols"``: ordinary least squares on ``log(y + 0.5)`` as in R
  ``incidence::fit`` (which uses ``log(counts)``; the 0.5 keeps zero days,
  the usual continuity correction for log counts, Cox 1955).

The confidence interval of r is Wald (normal for "poisson", Student t with
n - 2 df for "ols"). Doubling (or halving) time is ln 2 / |r|; its interval is
the transformed interval of r, infinite when that interval contains 0.

A window without cases, or one where the Poisson fit does not settle (all
cases on one day at an edge of the window: the rate is unbounded), raises
:class:`~fireline.analytics._result.NotEnoughData` ("no growth measurable")
instead of printing a doubling time of 1e14 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from fireline.analytics._result import NotEnoughData
from fireline.analytics.glm import fit_quasipoisson

__all__ = ["GrowthResult", "growth_rate"]


@dataclass(frozen=True)
class GrowthResult:
    """Daily growth rate r with its CI, and the doubling time in days.

    ``doubling_time`` is positive for growth and ``halving`` says whether it is
    a halving time (r < 0). Bounds are ordered low, high.
    """

    r: float
    r_low: float
    r_high: float
    doubling_time: float
    doubling_low: float
    doubling_high: float
    halving: bool
    method: str
    window: int

    def to_row(self) -> dict[str, float | str | bool | int]:
        """Flat dict for tables."""
        return dict(self.__dict__)


_RATE_ZERO = 10 * float(np.finfo(np.float64).eps)
# A rate this close to 0 is round-off of a flat fit (ln 2 / 1e-12 would be a
# doubling time of 2,000 million years), so it is reported as no change.
_FLAT = 1e-12


def _doubling(r: float, lo: float, hi: float) -> tuple[float, float, float]:
    ln2 = float(np.log(2))
    if abs(r) < _FLAT:
        return float("inf"), float("inf"), float("inf")
    sign = 1.0 if r > 0 else -1.0
    a, c = sorted((sign * lo, sign * hi))  # CI of |r| on the side of r
    low = ln2 / c if c > 0 else float("inf")
    high = ln2 / a if a > 0 else float("inf")
    return ln2 / abs(r), low, high


def growth_rate(
    counts: ArrayLike,
    window: int | None = None,
    *,
    method: Literal["poisson", "ols"] = "poisson",
    level: float = 0.95,
) -> GrowthResult:
    """Growth rate r (per day) and doubling time over the last ``window`` days.

    Parameters
    ----------
    counts:
        Daily (or weekly; r is then per week) counts, oldest first.
    window:
        Number of most recent points to fit (default: all; at least 3).
    method:
        "poisson" (quasi-Poisson GLM, default) or "ols" (log(y + 0.5)).
    level:
        Confidence level of the intervals.
    """
    y = np.asarray(counts, dtype=np.float64)
    n = y.size if window is None else window
    if n < 3 or n > y.size:
        raise ValueError("window must be between 3 and the series length")
    if np.any(y < 0) or not np.all(np.isfinite(y)):
        raise ValueError("counts must be finite and non-negative")
    y = y[-n:]
    if not np.any(y > 0):
        raise NotEnoughData(f"no cases in the last {n} points, so no growth is measurable")
    t = np.arange(n, dtype=np.float64)
    x = np.column_stack([np.ones(n), t - t.mean()])  # centred for conditioning
    if method == "poisson":
        fit = fit_quasipoisson(x, y)
        phi = max(fit.dispersion(), 1.0)
        r, se = float(fit.coef[1]), float(np.sqrt(phi * fit.cov_unscaled[1, 1]))
        # R's glm.fit warns "fitted rates numerically 0 occurred" below
        # 10 * eps: the rate then runs off to infinity (separation).
        if not (fit.converged and np.isfinite(se)) or fit.fitted.min() < _RATE_ZERO:
            raise NotEnoughData("the cases are too few or too bunched to measure growth")
        q = float(stats.norm.ppf(0.5 + level / 2))
    elif method == "ols":
        ly = np.log(y + 0.5)
        beta, *_ = np.linalg.lstsq(x, ly, rcond=None)
        resid = ly - x @ beta
        sigma2 = float(resid @ resid) / (n - 2)
        r, se = float(beta[1]), float(np.sqrt(sigma2 / np.sum(x[:, 1] ** 2)))
        q = float(stats.t.ppf(0.5 + level / 2, n - 2))
    else:
        raise ValueError("method must be 'poisson' or 'ols'")
    lo, hi = r - q * se, r + q * se
    d, d_lo, d_hi = _doubling(r, lo, hi)
    return GrowthResult(r, lo, hi, d, d_lo, d_hi, r < 0, method, n)
