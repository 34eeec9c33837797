"""EARS C1, C2 and C3 aberration detection.

Definitions: Hutwagner et al., "The bioterrorism preparedness and response
Early Aberration Reporting System (EARS)", J Urban Health 2003;80(2 Suppl 1):
i89-96, and Fricker et al., Stat Med 2008;27:3407-29. Thresholds follow R
``surveillance::earsC`` (surveillance 1.26.0, ``R/earsC.R``) exactly:

* C1: baseline = the ``baseline`` points just before t; bound =
  mean + z(1-alpha) * max(sd, min_sigma).
* C2: the same baseline lagged by 2 (points t-baseline-2 .. t-3).
* C3: the CDC statistic is C3_t = sum over i = t-2..t of max(0, C2_i - 1).
  surveillance turns it into a bound on the count at t as
  ``observed_t + sd_t * (z - max(0, C2_{t-2} - 1) - max(0, C2_{t-1} - 1))``,
  clipped at 0. We reproduce that bound (and its alarms) as the package does.

``sd`` is the sample standard deviation (n - 1), as R's ``sd``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike
from scipy import stats

from fireline.analytics._result import AberrationResult
from fireline.analytics._types import FloatArray, IntArray

__all__ = ["ears_c1", "ears_c2", "ears_c3", "earsc"]

EarsMethod = Literal["C1", "C2", "C3"]
# Data each method needs before the first monitored point (earsC's maxLag).
_MAX_LAG = {"C1": 0, "C2": 2, "C3": 4}


def _baseline_stats(
    y: FloatArray, t0: IntArray, baseline: int, lag: int
) -> tuple[FloatArray, FloatArray]:
    """Mean and sd of y[t-lag-baseline .. t-lag-1] (0-based t) for each t in t0."""
    windows = sliding_window_view(y, baseline)  # windows[i] = y[i : i + baseline]
    ref = windows[t0 - lag - baseline]
    return ref.mean(axis=1), ref.std(axis=1, ddof=1)


def _checked(observed: ArrayLike, baseline: int, min_sigma: float) -> FloatArray:
    # earsC's argument checks, with its messages.
    if min_sigma < 0:
        raise ValueError("The minimum sigma parameter (min_sigma) needs to be positive")
    if baseline < 3:
        raise ValueError("Minimum baseline to use is 3.")
    y = np.asarray(observed, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError("observed must be 1-D")
    return y


def _range(y: FloatArray, method: EarsMethod, baseline: int, t: ArrayLike | None) -> IntArray:
    first = baseline + _MAX_LAG[method] + 1  # earsC's default range start (1-based)
    rng = np.arange(first, y.size + 1) if t is None else np.sort(np.asarray(t, dtype=np.int64))
    if rng.size == 0 or rng[0] - baseline - _MAX_LAG[method] < 1:
        raise ValueError("The vector of observed is too short!")
    if rng[-1] > y.size:
        raise ValueError("monitored time points must lie within the series")
    return rng


def earsc(
    observed: ArrayLike,
    *,
    method: EarsMethod = "C1",
    baseline: int = 7,
    alpha: float | None = None,
    min_sigma: float = 0.0,
    t: ArrayLike | None = None,
) -> AberrationResult:
    """EARS C1/C2/C3 on a count series, as R ``surveillance::earsC``.

    Parameters
    ----------
    observed:
        Counts per period (day or week), oldest first.
    method:
        "C1", "C2" or "C3".
    baseline:
        Number of past points in the baseline (earsC default 7, minimum 3).
    alpha:
        One-sided type-I error; ``None`` takes earsC's default, 0.001 for C1
        and C2 and 0.025 for C3.
    min_sigma:
        Floor on the baseline sd, avoiding zero-width bounds (default 0).
    t:
        1-based points to monitor (R's ``range``); default every point with a
        full baseline.
    """
    y = _checked(observed, baseline, min_sigma)
    rng = _range(y, method, baseline, t)
    if alpha is None:
        alpha = 0.025 if method == "C3" else 0.001
    z = float(stats.norm.ppf(1 - alpha))
    if method == "C3":
        bound, mean = _c3_bound(y, rng - 1, baseline, z, min_sigma)
    else:
        mean, sd = _baseline_stats(y, rng - 1, baseline, 0 if method == "C1" else 2)
        bound = mean + z * np.maximum(sd, min_sigma)
    obs = y[rng - 1]
    return AberrationResult(t=rng, observed=obs, threshold=bound, alarm=obs > bound, expected=mean)


def _c3_bound(
    y: FloatArray, t0: IntArray, baseline: int, z: float, min_sigma: float
) -> tuple[FloatArray, FloatArray]:
    # earsC computes C2 over range_min-2 .. range_max (a contiguous block).
    t_c2 = np.arange(t0.min() - 2, t0.max() + 1)
    mean, sd = _baseline_stats(y, t_c2, baseline, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        c2 = (y[t_c2] - mean) / np.maximum(sd, min_sigma)
    lag2 = np.maximum(0.0, c2[:-2] - 1)
    lag1 = np.maximum(0.0, c2[1:-1] - 1)
    pos = t0 - t_c2[0] - 2  # position of each monitored t among c2[2:]
    sd_now = np.maximum(sd[2:], min_sigma)
    bound = y[t_c2[2:]] + sd_now * (z - (lag2 + lag1))
    return np.maximum(0.0, bound)[pos], mean[2:][pos]


def ears_c1(observed: ArrayLike, **kwargs: float | int | None) -> AberrationResult:
    """EARS C1 (see :func:`earsc` for the parameters)."""
    return earsc(observed, method="C1", **kwargs)  # type: ignore[arg-type]


def ears_c2(observed: ArrayLike, **kwargs: float | int | None) -> AberrationResult:
    """EARS C2: the C1 baseline lagged by two points (see :func:`earsc`)."""
    return earsc(observed, method="C2", **kwargs)  # type: ignore[arg-type]


def ears_c3(observed: ArrayLike, **kwargs: float | int | None) -> AberrationResult:
    """EARS C3: C2 accumulated over the last three points (see :func:`earsc`)."""
    return earsc(observed, method="C3", **kwargs)  # type: ignore[arg-type]
