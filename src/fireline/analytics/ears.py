"""EARS C1, C2 and C3 aberration detection.

Definitions: Hutwagner L, Thompson W, Seeman GM, Treadwell T, "The bioterrorism
preparedness and response Early Aberration Reporting System (EARS)", J Urban
Health 2003;80(2 Suppl 1):i89-96 (doi:10.1007/PL00022319), as restated by
Fricker RD, Hegler BL, Dunfee DA, Stat Med 2008;27:3407-29
(doi:10.1002/sim.3197) and in the help page of R ``surveillance::earsC``:

* C1_t = (Y_t - mean) / sd over the ``baseline`` points t-7 .. t-1;
* C2_t: the same with the baseline lagged by 2 (points t-9 .. t-3);
* C3_t = sum over i = t-2 .. t of max(0, C2_i - 1).

The CDC signals when C1 or C2 exceeds 3 (mean + 3 sd) and when C3 exceeds 2.

``variant="cdc"`` (the default) alarms when C3_t > h (h = 2). The count-space
``threshold`` is the smallest count at t that would signal given the two
previous C2 values: ``mean_t + sd_t * (1 + h - L_t)`` with
``L_t = max(0, C2_{t-2} - 1) + max(0, C2_{t-1} - 1)``; when ``L_t > h`` the
two previous days alone push C3 past h, every count signals and the threshold
is reported as 0.

``variant="r-surveillance"`` reproduces R ``surveillance::earsC`` (1.26.0,
``R/earsC.R``) exactly. For C1 and C2 the variants agree. For C3 the package's
bound is ``Y_t + sd_t * (z - L_t)`` clipped at 0, so its alarm is ``L_t > z``
and ignores the current day's C2 (a spike alarms two days late, if at all).

C1 and C2 default to R's ``alpha = 0.001`` (h = z_0.999 = 3.090); pass
``h=3`` for the CDC's fixed mean + 3 sd. ``sd`` is the sample standard
deviation (n - 1), floored at ``min_sigma``. A zero-variance baseline makes
any count above its mean an infinite statistic (an alarm) and a count equal to
it a statistic of 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike
from scipy import stats

from fireline.analytics._result import AberrationResult
from fireline.analytics._types import BoolArray, FloatArray, IntArray

__all__ = [
    "CDC_C3_H",
    "VARIANTS",
    "EarsMethod",
    "EarsResult",
    "EarsVariant",
    "ears_c1",
    "ears_c2",
    "ears_c3",
    "earsc",
]

EarsMethod = Literal["C1", "C2", "C3"]
EarsVariant = Literal["cdc", "r-surveillance"]
VARIANTS: tuple[str, ...] = ("cdc", "r-surveillance")
CDC_C3_H = 2.0  # the CDC's C3 threshold (Hutwagner et al. 2003)
# Data each method needs before the first monitored point (earsC's maxLag).
_MAX_LAG = {"C1": 0, "C2": 2, "C3": 4}


@dataclass(frozen=True, kw_only=True)
class EarsResult(AberrationResult):
    """An :class:`AberrationResult` that also carries the EARS statistic.

    ``statistic`` is C1_t, C2_t or C3_t (in baseline sd units; C3 is the CDC
    statistic in both variants) for a caller to show as a score; ``h`` is the
    level it is compared with; ``variant`` is "cdc" or "r-surveillance".
    """

    statistic: FloatArray
    h: float
    variant: str

    def to_columns(self) -> dict[str, IntArray | FloatArray | BoolArray]:
        """Tidy columns ``t, observed, threshold, alarm, statistic``."""
        return {**super().to_columns(), "statistic": self.statistic}


def _baseline_stats(
    y: FloatArray, t0: IntArray, baseline: int, lag: int
) -> tuple[FloatArray, FloatArray]:
    """Mean and sd of y[t-lag-baseline .. t-lag-1] (0-based t) for each t in t0."""
    windows = sliding_window_view(y, baseline)  # windows[i] = y[i : i + baseline]
    ref = windows[t0 - lag - baseline]
    return ref.mean(axis=1), ref.std(axis=1, ddof=1)


def _standardise(obs: FloatArray, mean: FloatArray, sd: FloatArray) -> FloatArray:
    """(obs - mean) / sd, with 0/0 read as 0 and x/0 as +-inf."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (obs - mean) / sd
    out: FloatArray = np.where(obs == mean, 0.0, z)
    return out


def _checked(observed: ArrayLike, method: str, baseline: int, min_sigma: float) -> FloatArray:
    # earsC's argument checks, with its messages.
    if method not in _MAX_LAG:
        raise ValueError(f"unknown EARS method {method!r}; choose C1, C2 or C3")
    if min_sigma < 0:
        raise ValueError("The minimum sigma parameter (min_sigma) needs to be positive")
    if baseline < 3:
        raise ValueError("Minimum baseline to use is 3.")
    y = np.asarray(observed, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError("observed must be 1-D")
    return y


def _range(y: FloatArray, method: str, baseline: int, t: ArrayLike | None) -> IntArray:
    first = baseline + _MAX_LAG[method] + 1  # earsC's default range start (1-based)
    rng = np.arange(first, y.size + 1) if t is None else np.sort(np.asarray(t, dtype=np.int64))
    if rng.size == 0 or rng[0] - baseline - _MAX_LAG[method] < 1:
        raise ValueError("The vector of observed is too short!")
    if rng[-1] > y.size:
        raise ValueError("monitored time points must lie within the series")
    return rng


def _level(method: str, variant: str, alpha: float | None, h: float | None) -> float:
    """The level h the statistic is compared with."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown EARS variant {variant!r}; choose {' or '.join(VARIANTS)}")
    if alpha is not None and h is not None:
        raise ValueError("give alpha or h, not both")
    if h is not None:
        if not (np.isfinite(h) and h >= 0):
            raise ValueError("h must be a finite number >= 0")
        return float(h)
    if alpha is None:
        if method == "C3" and variant == "cdc":
            return CDC_C3_H
        alpha = 0.025 if method == "C3" else 0.001  # earsC's defaults
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie strictly between 0 and 1")
    return float(stats.norm.ppf(1 - alpha))


def earsc(
    observed: ArrayLike,
    *,
    method: EarsMethod = "C1",
    baseline: int = 7,
    alpha: float | None = None,
    h: float | None = None,
    min_sigma: float = 0.0,
    t: ArrayLike | None = None,
    variant: EarsVariant = "cdc",
) -> EarsResult:
    """EARS C1/C2/C3 on a count series (see the module docstring).

    Parameters
    ----------
    observed:
        Counts per period (day or week), oldest first.
    method:
        "C1", "C2" or "C3".
    baseline:
        Number of past points in the baseline (EARS: 7, minimum 3).
    alpha:
        One-sided type-I error; the level is h = z(1 - alpha). ``None`` (and no
        ``h``) takes the defaults: C1/C2 0.001 (h = 3.090, R's earsC), C3
        h = 2 (CDC) or alpha 0.025 (``variant="r-surveillance"``).
    h:
        The level on the statistic itself, instead of ``alpha`` (e.g. 3 for the
        CDC's fixed mean + 3 sd in C1/C2, 2 for C3).
    min_sigma:
        Floor on the baseline sd, avoiding zero-width bounds (default 0).
    t:
        1-based points to monitor (R's ``range``); default every point with a
        full baseline.
    variant:
        "cdc" (default) or "r-surveillance"; only C3 differs.
    """
    y = _checked(observed, method, baseline, min_sigma)
    rng = _range(y, method, baseline, t)
    level = _level(method, variant, alpha, h)
    t0 = rng - 1
    obs = y[t0]
    if method == "C3":
        stat, bound, alarm, mean = _c3(y, t0, baseline, level, min_sigma, variant)
    else:
        mean, sd = _baseline_stats(y, t0, baseline, 0 if method == "C1" else 2)
        sd = np.maximum(sd, min_sigma)
        stat, bound = _standardise(obs, mean, sd), mean + level * sd
        alarm = obs > bound
    return EarsResult(
        t=rng,
        observed=obs,
        threshold=bound,
        alarm=alarm,
        expected=mean,
        statistic=stat,
        h=level,
        variant=variant,
    )


def _c3(
    y: FloatArray, t0: IntArray, baseline: int, h: float, min_sigma: float, variant: str
) -> tuple[FloatArray, FloatArray, BoolArray, FloatArray]:
    """C3 statistic, count-space bound, alarm and expected value at each t0."""
    days = (t0[:, None] + np.arange(-2, 1)).ravel()  # t-2, t-1, t for each t
    mean, sd = _baseline_stats(y, days, baseline, 2)
    sd = np.maximum(sd, min_sigma)
    parts = np.maximum(0.0, _standardise(y[days], mean, sd) - 1.0).reshape(-1, 3)
    stat: FloatArray = parts.sum(axis=1)
    mean_now = mean.reshape(-1, 3)[:, 2]
    if variant == "r-surveillance":
        bound = _c3_bound_r(y, t0, baseline, h, min_sigma)
        return stat, bound, y[t0] > bound, mean_now
    lagged = parts[:, :2].sum(axis=1)
    sd_now = sd.reshape(-1, 3)[:, 2]
    with np.errstate(invalid="ignore"):
        bound = np.where(lagged > h, 0.0, mean_now + sd_now * (1.0 + h - lagged))
    return stat, bound, stat > h, mean_now


def _c3_bound_r(
    y: FloatArray, t0: IntArray, baseline: int, z: float, min_sigma: float
) -> FloatArray:
    """R earsC's C3 upper bound, line for line (NaN where its C2 is 0/0)."""
    # earsC computes C2 over range_min-2 .. range_max (a contiguous block).
    t_c2 = np.arange(t0.min() - 2, t0.max() + 1)
    mean, sd = _baseline_stats(y, t_c2, baseline, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        c2 = (y[t_c2] - mean) / np.maximum(sd, min_sigma)
    lag2 = np.maximum(0.0, c2[:-2] - 1)
    lag1 = np.maximum(0.0, c2[1:-1] - 1)
    pos = t0 - t_c2[0] - 2  # position of each monitored t among c2[2:]
    sd_now = np.maximum(sd[2:], min_sigma)
    bound: FloatArray = np.maximum(0.0, y[t_c2[2:]] + sd_now * (z - (lag2 + lag1)))[pos]
    return bound


def ears_c1(observed: ArrayLike, **kwargs: Any) -> EarsResult:
    """EARS C1 (see :func:`earsc` for the parameters)."""
    return earsc(observed, method="C1", **kwargs)


def ears_c2(observed: ArrayLike, **kwargs: Any) -> EarsResult:
    """EARS C2: the C1 baseline lagged by two points (see :func:`earsc`)."""
    return earsc(observed, method="C2", **kwargs)


def ears_c3(observed: ArrayLike, **kwargs: Any) -> EarsResult:
    """EARS C3: C2 accumulated over the last three points (see :func:`earsc`)."""
    return earsc(observed, method="C3", **kwargs)
