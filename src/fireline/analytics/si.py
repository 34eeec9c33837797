"""Discrete serial-interval distributions as EpiEstim builds them.

Source: EpiEstim (Cori et al., Am J Epidemiol 2013, supplement), R function
``discr_si``: the serial interval is a gamma distribution of mean ``mean - 1``
and standard deviation ``sd`` shifted by one day, and ``w_k`` is the
probability that a delay starting uniformly within day 0 ends on day ``k``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from fireline.analytics._types import FloatArray

__all__ = ["check_si_distr", "discr_si", "si_mean_sd"]


def _pgamma(k: FloatArray, shape: float, scale: float) -> FloatArray:
    # R's pgamma is 0 below the support; gammainc needs a non-negative argument.
    x = np.clip(k, 0.0, None) / scale
    out: FloatArray = np.where(k > 0, special.gammainc(shape, x), 0.0)
    return out


def discr_si(k: ArrayLike, mean: float, sd: float) -> FloatArray:
    """Discretised shifted-gamma serial interval, EpiEstim ``discr_si``.

    Parameters
    ----------
    k:
        Day(s) at which to evaluate the probability mass (non-negative).
    mean:
        Mean of the serial interval in days; must exceed 1 (the shift).
    sd:
        Standard deviation of the serial interval in days; must be positive.

    Returns
    -------
    The mass ``w_k`` for each ``k``, clipped at 0 as EpiEstim does.
    """
    if mean <= 1:
        raise ValueError("mean serial interval must be > 1 (EpiEstim's shift)")
    if sd <= 0:
        raise ValueError("sd of the serial interval must be > 0")
    kk = np.asarray(k, dtype=np.float64)
    if np.any(kk < 0):
        raise ValueError("all values in k must be >= 0")
    # Shape/scale of the gamma for (SI - 1): Cori et al. 2013, Web Appendix 11.
    shape = ((mean - 1.0) / sd) ** 2
    scale = sd**2 / (mean - 1.0)
    res = (
        kk * _pgamma(kk, shape, scale)
        + (kk - 2) * _pgamma(kk - 2, shape, scale)
        - 2 * (kk - 1) * _pgamma(kk - 1, shape, scale)
    )
    res = res + shape * scale * (
        2 * _pgamma(kk - 1, shape + 1, scale)
        - _pgamma(kk - 2, shape + 1, scale)
        - _pgamma(kk, shape + 1, scale)
    )
    out: FloatArray = np.maximum(res, 0.0)
    return out


def check_si_distr(si_distr: ArrayLike) -> FloatArray:
    """Validate a non-parametric SI pmf as EpiEstim's ``check_si_distr`` does.

    The pmf is indexed by day from 0; its day-0 mass must be 0 (a case cannot
    infect on its own onset day in the renewal equation), all masses must be
    non-negative and they must sum to 1 within 0.01 (EpiEstim's tolerance).
    """
    p = np.asarray(si_distr, dtype=np.float64)
    if p.ndim != 1 or p.size < 2:
        raise ValueError("si_distr must be a 1-D array of at least 2 values")
    if p[0] != 0:
        raise ValueError("si_distr[0] must be 0 (EpiEstim check_si_distr)")
    if np.any(p < 0) or not np.all(np.isfinite(p)):
        raise ValueError("si_distr must be finite and non-negative")
    if abs(float(p.sum()) - 1.0) > 0.01:
        raise ValueError("si_distr must sum to 1 (within 0.01)")
    return p


def si_mean_sd(si_distr: FloatArray) -> tuple[float, float]:
    """Mean and standard deviation of a discrete SI pmf indexed from day 0."""
    k = np.arange(si_distr.size, dtype=np.float64)
    mean = float(np.sum(si_distr * k))
    var = float(np.sum(si_distr * k**2)) - mean**2
    return mean, float(np.sqrt(max(var, 0.0)))
