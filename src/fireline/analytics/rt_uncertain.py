"""Rt with an uncertain serial interval (EpiEstim method ``uncertain_si``).

Source: R ``EpiEstim::estimate_R(method = "uncertain_si")`` (mrc-ide/EpiEstim
3.0.0, ``estimate_R_func``) and Cori et al. 2013, Web Appendix 3: draw ``n1``
(mean, sd) pairs of the SI from normals truncated to ``[min, max]``, discretise
each with ``discr_si`` over days ``0..T-1``, draw ``n2`` values of R from each
gamma posterior, and summarise the ``n1 * n2`` draws per window with the
sample mean, sd (n - 1) and quantiles (R's default type 7, NumPy's "linear").

The draws cannot reproduce R's random stream, so results agree with R within
Monte Carlo error, not digit for digit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from fireline.analytics._types import FloatArray, IntArray
from fireline.analytics.rt import (
    QUANTILE_PROBS,
    RtResult,
    _check_windows,
    _window_sums,
    default_windows,
    overall_infectivity,
    split_incidence,
)
from fireline.analytics.si import discr_si

__all__ = ["estimate_rt_uncertain_si", "sample_truncated_normal"]


def sample_truncated_normal(
    rng: np.random.Generator, mean: float, sd: float, low: float, high: float, size: int
) -> FloatArray:
    """Normal draws kept only inside ``[low, high]``, by rejection as EpiEstim does."""
    if not low <= mean <= high and sd == 0:
        raise ValueError("truncation bounds exclude the only possible value")
    out = rng.normal(mean, sd, size)
    bad = (out < low) | (out > high)
    while np.any(bad):  # rejection rounds, not a loop over draws
        out[bad] = rng.normal(mean, sd, int(bad.sum()))
        bad = (out < low) | (out > high)
    return out


def _si_matrix(n_days: int, means: FloatArray, sds: FloatArray) -> FloatArray:
    days = np.arange(n_days)
    rows = [discr_si(days, float(m), float(s)) for m, s in zip(means, sds, strict=True)]
    return np.column_stack([np.vstack(rows), np.zeros(means.size)])


def _windows(
    n_days: int, window: int, t_start: ArrayLike | None, t_end: ArrayLike | None
) -> tuple[IntArray, IntArray]:
    if t_start is None or t_end is None:
        return default_windows(n_days, window)
    ts = np.asarray(t_start, dtype=np.int64)
    te = np.asarray(t_end, dtype=np.int64)
    _check_windows(ts, te, n_days)
    return ts, te


def estimate_rt_uncertain_si(
    incidence: ArrayLike,
    imported: ArrayLike | None = None,
    *,
    mean_si: float,
    std_mean_si: float,
    min_mean_si: float,
    max_mean_si: float,
    std_si: float,
    std_std_si: float,
    min_std_si: float,
    max_std_si: float,
    n1: int = 100,
    n2: int = 100,
    window: int = 7,
    t_start: ArrayLike | None = None,
    t_end: ArrayLike | None = None,
    mean_prior: float = 5.0,
    std_prior: float = 5.0,
    seed: int | np.random.Generator | None = None,
) -> RtResult:
    """Rt for one series accounting for SI uncertainty (EpiEstim ``uncertain_si``).

    Parameters follow EpiEstim's ``make_config``: ``mean_si`` and ``std_si``
    are the central SI mean and sd; ``std_mean_si``/``std_std_si`` the sd of
    their normal sampling distributions, truncated to
    ``[min_mean_si, max_mean_si]`` and ``[min_std_si, max_std_si]``; ``n1`` SI
    distributions are drawn and ``n2`` posterior values of R per SI. ``seed``
    makes the draws reproducible. Windows, prior and incidence are as in
    :func:`fireline.analytics.estimate_rt`.
    """
    rng = np.random.default_rng(seed)
    local, imp = split_incidence(incidence, imported)
    if local.shape[0] != 1:
        raise ValueError("incidence must be a single series")
    n_days = local.shape[1]
    ts, te = _windows(n_days, window, t_start, t_end)
    means = sample_truncated_normal(rng, mean_si, std_mean_si, min_mean_si, max_mean_si, n1)
    sds = sample_truncated_normal(rng, std_si, std_std_si, min_std_si, max_std_si, n1)
    si = _si_matrix(n_days, means, sds)
    disc_means = si @ np.arange(si.shape[1])
    a_prior = (mean_prior / std_prior) ** 2
    b_prior = std_prior**2 / mean_prior
    lam = overall_infectivity(np.repeat(local + imp, n1, axis=0), si)
    lam[:, 0] = 0.0
    a_post = a_prior + _window_sums(local, ts, te)[0]
    b_post = 1.0 / (1.0 / b_prior + _window_sums(lam, ts, te))
    draws = rng.gamma(a_post[None, None, :], b_post[:, None, :], size=(n1, n2, ts.size))
    # EpiEstim keeps a window for SI draw k only if t_end exceeds both the
    # sampled mean (estimate_R_func) and the discretised mean
    # (sample_from_posterior returns NA otherwise).
    usable = (te[None, :] > means[:, None]) & (te[None, :] > disc_means[:, None])
    draws = np.where(usable[:, None, :], draws, np.nan).reshape(n1 * n2, ts.size)
    keep = usable.any(axis=0)
    draws = draws[:, keep]
    return RtResult(
        t_start=ts[keep],
        t_end=te[keep],
        mean=np.nanmean(draws, axis=0),
        std=np.nanstd(draws, axis=0, ddof=1),
        quantiles=np.nanquantile(draws, QUANTILE_PROBS, axis=0),
        si_distr=si,
    )
