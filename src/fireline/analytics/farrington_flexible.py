"""Improved Farrington algorithm (Noufaily et al. 2013), as R ``farringtonFlexible``.

Source: Noufaily, Enki, Farrington, Garthwaite, Andrews & Charlett, "An
improved algorithm for outbreak detection in multiple surveillance systems",
Stat Med 2013;32:1206-22, and R ``surveillance::farringtonFlexible``
(surveillance 1.26.0, ``R/farringtonFlexible.R``). Differences from the 1996
algorithm: all past years are split into ``no_periods`` seasonal blocks (a
factor in the GLM), the most recent ``past_weeks_not_included`` weeks are left
out, outbreaks are down-weighted above residual 2.58, the trend is kept at
``p_threshold_trend``, and the bound is one-sided.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from fireline.analytics._result import AberrationResult
from fireline.analytics._types import FloatArray, IntArray
from fireline.analytics.farrington import (
    PowerTransform,
    ThresholdMethod,
    Thresholds,
    _enough_cases,
    fit_reference,
    threshold_farrington,
    threshold_noufaily,
)

__all__ = ["FlexibleOptions", "farrington_flexible", "seasonal_blocks"]


@dataclass(frozen=True)
class FlexibleOptions:
    """Options of :func:`farrington_flexible` (names as the R control list).

    ``b`` years back; ``w`` half-window; ``reweight`` and ``weights_threshold``
    (2.58) for down-weighting outbreaks; ``alpha`` one-sided level; ``trend``
    and ``p_threshold_trend`` (0.05) for the time trend; ``limit54`` (cases,
    periods) minimum recent reports; ``powertrans`` for the "delta" method;
    ``no_periods`` seasonal blocks a year (1 = windows only, as in 1996);
    ``past_weeks_not_included`` recent weeks left out (default ``w``);
    ``threshold_method`` "delta" (Farrington normal approximation), "nbPlugin"
    or "muan" (negative binomial quantiles, Noufaily 2013); ``freq`` periods
    a year.
    """

    b: int = 5
    w: int = 3
    reweight: bool = True
    weights_threshold: float = 2.58
    alpha: float = 0.05
    trend: bool = True
    p_threshold_trend: float = 0.05
    limit54: tuple[int, int] = (5, 4)
    powertrans: PowerTransform = "2/3"
    no_periods: int = 1
    past_weeks_not_included: int | None = None
    threshold_method: ThresholdMethod = "delta"
    freq: int = 52


def seasonal_blocks(n: int, k: int, b: int, w: int, p: int, freq: int) -> FloatArray:
    """Block label per 1-based time point (index 0 unused), NaN if unused.

    Follows surveillance ``blocks``: the current window and the windows around
    the reference weeks k - freq*i get label ``p``; with ``p > 1`` the weeks
    between consecutive windows are split into ``p - 1`` blocks of near-equal
    length (the first blocks take the remainder).
    """
    labels = np.full(n + 1, np.nan)
    labels[k - w : k + 1] = p
    refs = [k - freq * i for i in range(b + 1)]
    for i in range(1, b + 1):
        ref = refs[i]
        labels[ref - w : ref + w + 1] = p
        if p == 1:
            continue
        period = refs[i - 1] - 2 * w - 1 - ref
        if period < p - (2 * w + 1):
            raise ValueError("Number of factors too big!")
        lengths = np.full(p - 1, period // (p - 1))
        lengths[: period % (p - 1)] += 1
        edges = ref + w + 1 + np.concatenate([[0], np.cumsum(lengths)])
        for j in range(p - 1):  # p - 1 blocks per year
            labels[edges[j] : edges[j + 1]] = j + 1
    return labels


def _design(wtime: IntArray, groups: FloatArray, trend: bool) -> FloatArray:
    """Design matrix: intercept, optional time, block dummies."""
    levels = np.unique(groups)
    cols = [np.ones(wtime.size)] + ([wtime.astype(np.float64)] if trend else [])
    # Treatment contrasts: first (lowest) level is the baseline, as R's factor.
    cols += [(groups == lv).astype(np.float64) for lv in levels[1:]]
    return np.column_stack(cols)


def _current_row(k: int, levels: FloatArray, p: int, trend: bool) -> FloatArray:
    row = [1.0] + ([float(k)] if trend else [])
    row += [1.0 if lv == p else 0.0 for lv in levels[1:]]
    return np.array(row)


def _reference_data(
    y: FloatArray, k: int, o: FlexibleOptions
) -> tuple[IntArray, FloatArray, FloatArray]:
    if k - o.freq * o.b < 1:
        raise ValueError(
            "Some reference time points did not exist; decrease 'b' or postpone 'range'."
        )
    labels = seasonal_blocks(y.size, k, o.b, o.w, o.no_periods, o.freq)
    skip = o.w if o.past_weeks_not_included is None else o.past_weeks_not_included
    labels[max(k - skip, 0) : k + 1] = np.nan  # leave recent weeks out (Noufaily 2013)
    idx = np.flatnonzero(~np.isnan(labels))
    idx = idx[~np.isnan(y[idx - 1])]
    return idx, y[idx - 1], labels[idx]


_NO_FIT = Thresholds(float("nan"), float("nan"), float("nan"), float("nan"))


def _flexible_point(y: FloatArray, k: int, o: FlexibleOptions) -> tuple[Thresholds, bool, float]:
    """Thresholds, whether the trend was kept, and the expected count at k.

    NaN thresholds ("not enough data") where R's fit returns NULL or stops:
    no fit converges, or the reference points are too few for the model.
    """
    wtime, resp, groups = _reference_data(y, k, o)
    levels = np.unique(groups)
    got = fit_reference(
        _design(wtime, groups, o.trend), resp, o.reweight, o.weights_threshold, o.trend
    )
    if got is not None and got.trend:
        # surveillance overwrites model$weights with the reweighting weights, so
        # summary.glm (p-value) and predict.glm (se) use this dispersion.
        fit = got.fit
        disp = fit.dispersion(got.omega)
        with np.errstate(over="ignore"):
            mu_k = float(np.exp(fit.coef @ _current_row(k, levels, o.no_periods, True)))
        keep = o.b >= 3 and fit.p_value(1, disp) < o.p_threshold_trend and mu_k <= resp.max()
        if not keep:
            x = _design(wtime, groups, False)
            got = fit_reference(x, resp, o.reweight, o.weights_threshold, False)
    if got is None:
        return _NO_FIT, False, float("nan")
    eta, se_eta = got.fit.predict_link(
        _current_row(k, levels, o.no_periods, got.trend), got.fit.dispersion(got.omega)
    )
    yk, mu0 = float(y[k - 1]), float(np.exp(eta))
    if o.threshold_method == "delta":
        thr = threshold_farrington(mu0, se_eta * mu0, got.phi, o.powertrans, o.alpha, yk)
    else:
        thr = threshold_noufaily(eta, se_eta, got.phi, o.alpha, yk, o.threshold_method)
    return thr, got.trend, mu0


def farrington_flexible(
    observed: ArrayLike,
    options: FlexibleOptions | None = None,
    *,
    t: ArrayLike | None = None,
) -> AberrationResult:
    """Noufaily et al. 2013 detector, as R ``surveillance::farringtonFlexible``.

    ``observed`` holds counts per period (``options.freq`` a year), oldest
    first; ``t`` the 1-based points to monitor (default ``freq*b + w + 1 .. n``
    as the package). See :class:`FlexibleOptions` for the parameters. The
    threshold is NaN (no alarm) when fewer than ``limit54[0]`` cases fell in
    the last ``limit54[1]`` periods, and there is no alarm on a zero count.
    """
    o = options or FlexibleOptions()
    y = np.asarray(observed, dtype=np.float64)
    first = o.freq * o.b + o.w + 1
    rng = np.arange(first, y.size + 1) if t is None else np.asarray(t, dtype=np.int64)
    if rng.size == 0 or rng.min() < 1 or rng.max() > y.size:
        raise ValueError(f"time points to monitor must lie within 1..{y.size}")
    res = [_flexible_point(y, int(k), o) for k in rng]  # one GLM fit per point
    enough = np.array([_enough_cases(y, int(k), o.limit54) for k in rng])
    upper = np.array([r.upper for r, _, _ in res])
    score = np.array([r.score for r, _, _ in res])
    obs = y[rng - 1]
    threshold = np.where(enough, upper, np.nan)
    with np.errstate(invalid="ignore"):
        alarm = enough & (score > 1) & (obs != 0)
    return AberrationResult(
        t=rng,
        observed=obs,
        threshold=threshold,
        alarm=alarm,
        expected=np.array([mu for _, _, mu in res]),
        trend=np.array([tr for _, tr, _ in res]),
    )
