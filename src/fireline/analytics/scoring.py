"""Scores for probabilistic forecasts given as quantiles, as the forecast hubs score.

The weighted interval score (Bracher, Ray, Gneiting & Reich 2021, "Evaluating
epidemic forecasts in an interval format", PLoS Comput Biol 17:e1008618, eq. 2):

    WIS = (0.5 |y - m| + sum_k (alpha_k / 2) IS_alpha_k) / (K + 0.5)

with the interval score ``IS_alpha = (u - l) + 2/alpha (l - y)_+ + 2/alpha (y - u)_+``
for the central ``1 - alpha`` interval ``[l, u]`` and the median ``m``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from fireline.analytics._types import FloatArray

__all__ = ["coverage", "interval_score", "weighted_interval_score"]


def interval_score(y: ArrayLike, lower: ArrayLike, upper: ArrayLike, alpha: float) -> FloatArray:
    """Interval score of the central ``1 - alpha`` interval (Gneiting & Raftery 2007)."""
    yy, lo, hi = (np.asarray(v, dtype=np.float64) for v in (y, lower, upper))
    out: FloatArray = (
        (hi - lo) + 2.0 / alpha * np.maximum(lo - yy, 0.0) + 2.0 / alpha * np.maximum(yy - hi, 0.0)
    )
    return out


def weighted_interval_score(
    y: ArrayLike, median: ArrayLike, intervals: Mapping[float, tuple[ArrayLike, ArrayLike]]
) -> FloatArray:
    """WIS elementwise; ``intervals`` maps each ``alpha`` to its (lower, upper) arrays."""
    total = 0.5 * np.abs(np.asarray(y, dtype=np.float64) - np.asarray(median, dtype=np.float64))
    for alpha, (lower, upper) in intervals.items():
        if not 0.0 < alpha < 1.0:
            raise ValueError("every alpha must be between 0 and 1")
        total = total + alpha / 2.0 * interval_score(y, lower, upper, alpha)
    out: FloatArray = total / (len(intervals) + 0.5)
    return out


def coverage(y: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    """Share of ``y`` inside ``[lower, upper]`` (bounds included)."""
    yy = np.asarray(y, dtype=np.float64)
    inside = (yy >= np.asarray(lower)) & (yy <= np.asarray(upper))
    return float(inside.mean()) if inside.size else float("nan")
