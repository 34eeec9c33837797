"""Offspring distribution, negative binomial dispersion, serial intervals, super-spreading.

The dispersion parameter ``k`` of a negative binomial offspring distribution with mean
R is fitted by maximum likelihood as in Lloyd-Smith et al. 2005, "Superspreading and
the effect of individual variation on disease emergence", Nature 438:355-359,
doi:10.1038/nature04153 (Supplementary Notes, section 2): the maximum likelihood
estimate of the mean is the sample mean, and k maximises the profile likelihood; its
95 % interval is where the log-likelihood is within chi2(1, 0.95)/2 = 1.92 of the
maximum. A super-spreader is a case with more secondary cases than the 99th percentile
of Poisson(R) (the same paper's definition), or than a fixed threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special, stats

from fireline.analytics._types import FloatArray, IntArray

__all__ = [
    "NegBinFit",
    "SerialIntervals",
    "fit_negative_binomial",
    "serial_intervals",
    "superspreaders",
    "superspreading_threshold",
    "venue_superspreading",
]

_LOG_K_RANGE = (math.log(1e-4), math.log(1e4))
_HALF_CHI2_95 = float(stats.chi2.ppf(0.95, 1) / 2.0)


@dataclass(frozen=True)
class NegBinFit:
    """Mean R, variance, fitted k (``inf`` when the counts are not over-dispersed)."""

    n: int
    mean: float
    variance: float
    k: float
    k_low: float
    k_high: float
    log_likelihood: float


def _loglik(k: float, values: IntArray, freq: IntArray, mean: float) -> float:
    """Negative binomial log-likelihood with mean ``mean`` and dispersion ``k``."""
    total = float(freq.sum())
    terms = special.gammaln(values + k) - special.gammaln(k) - special.gammaln(values + 1)
    return float(
        (freq * terms).sum()
        + total * k * math.log(k / (k + mean))
        + float((freq * values).sum()) * math.log(mean / (k + mean))
    )


def _bound(target: float, inside: float, edge: float, func: Callable[[float], float]) -> float:
    if func(edge) >= target:
        return math.exp(edge)
    return math.exp(optimize.brentq(lambda x: func(x) - target, inside, edge, xtol=1e-6))


def fit_negative_binomial(offspring: ArrayLike) -> NegBinFit:
    """Maximum likelihood k of a negative binomial offspring distribution.

    Works on counts of counts, so a million cases cost as much as their distinct values.
    """
    counts = np.asarray(offspring, dtype=np.int64)
    if counts.size == 0 or np.any(counts < 0):
        raise ValueError("offspring counts must be non-negative and not empty")
    freq_all = np.bincount(counts)
    values = np.flatnonzero(freq_all).astype(np.int64)
    freq = freq_all[values].astype(np.int64)
    mean = float(counts.mean())
    variance = float(counts.var(ddof=1)) if counts.size > 1 else 0.0
    if mean == 0.0 or variance <= mean:
        poisson = float(stats.poisson.logpmf(counts, mean).sum()) if mean > 0 else 0.0
        return NegBinFit(counts.size, mean, variance, math.inf, math.inf, math.inf, poisson)

    def ll(log_k: float) -> float:
        return _loglik(math.exp(log_k), values, freq, mean)

    best = optimize.minimize_scalar(
        lambda x: -ll(x), bounds=_LOG_K_RANGE, method="bounded", options={"xatol": 1e-8}
    )
    top = -float(best.fun)
    at = float(best.x)
    target = top - _HALF_CHI2_95
    low = _bound(target, at, _LOG_K_RANGE[0], ll)
    high = _bound(target, at, _LOG_K_RANGE[1], ll)
    return NegBinFit(counts.size, mean, variance, math.exp(at), low, high, top)


def superspreading_threshold(mean: float, percentile: float = 0.99) -> int:
    """Lloyd-Smith's Z(n): the ``percentile`` point of Poisson(mean)."""
    return int(stats.poisson.ppf(percentile, mean))


def superspreaders(
    offspring: ArrayLike, threshold: int | None = None, percentile: float = 0.99
) -> tuple[IntArray, int]:
    """Positions of super-spreaders (most secondary cases first) and the threshold used.

    With ``threshold`` a case qualifies at ``offspring >= threshold``; without it, at
    ``offspring > Z(percentile)`` of Poisson(mean offspring) (Lloyd-Smith 2005).
    """
    counts = np.asarray(offspring, dtype=np.int64)
    if threshold is None:
        limit = superspreading_threshold(float(counts.mean()) if counts.size else 0.0, percentile)
        hit = np.flatnonzero(counts > limit)
        used = limit + 1
    else:
        hit = np.flatnonzero(counts >= threshold)
        used = threshold
    order: IntArray = hit[np.argsort(-counts[hit], kind="stable")].astype(np.int64)
    return order, used


def venue_superspreading(
    exposure_case: ArrayLike, exposure_group: ArrayLike, threshold: int
) -> tuple[IntArray, IntArray]:
    """Exposure groups (venues, events) with at least ``threshold`` distinct cases.

    Returns the group values and their case counts, largest first.
    """
    cases = np.asarray(exposure_case, dtype=np.int64)
    groups = np.asarray(exposure_group, dtype=np.int64)
    pairs = np.unique(np.column_stack([groups, cases]), axis=0) if cases.size else np.empty((0, 2))
    value, count = np.unique(pairs[:, 0], return_counts=True)
    keep = count >= threshold
    order = np.argsort(-count[keep], kind="stable")
    return value[keep][order].astype(np.int64), count[keep][order].astype(np.int64)


@dataclass(frozen=True)
class SerialIntervals:
    """Onset of infectee minus onset of infector, in days, over linked pairs with both."""

    days: FloatArray
    pairs: IntArray  # positions (in the links) of the pairs measured

    @property
    def n(self) -> int:
        return int(self.days.size)

    @property
    def mean(self) -> float:
        return float(self.days.mean()) if self.days.size else math.nan

    @property
    def sd(self) -> float:
        return float(self.days.std(ddof=1)) if self.days.size > 1 else math.nan

    @property
    def negative(self) -> int:
        """Pairs where the infectee fell ill first (possible: pre-symptomatic spread)."""
        return int((self.days < 0).sum())


def serial_intervals(onset_day: ArrayLike, src: IntArray, dst: IntArray) -> SerialIntervals:
    """Empirical serial intervals from ``onset_day`` (days as numbers, NaN when unknown)."""
    onset = np.asarray(onset_day, dtype=np.float64)
    diff = onset[dst] - onset[src]
    ok = np.flatnonzero(~np.isnan(diff))
    return SerialIntervals(days=diff[ok], pairs=ok.astype(np.int64))
