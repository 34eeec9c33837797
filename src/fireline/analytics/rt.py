"""Time-varying reproduction number, the EpiEstim method (Cori et al. 2013).

Reproduces R ``EpiEstim::estimate_R`` (mrc-ide/EpiEstim 3.0.0) for the
``parametric_si`` and ``non_parametric_si`` methods:

* incidence is split into local and imported cases, and every case on day 1
  counts as imported (EpiEstim ``process_I``);
* total infectivity ``Lambda_t = sum_{s=0..t-1} w_s I_{t-s}`` over local plus
  imported cases (EpiEstim ``overall_infectivity``; Cori et al. eq. 1);
* with a gamma prior (shape ``a``, scale ``b``) on R, the posterior over a
  window ``[t_start, t_end]`` is gamma with shape ``a + sum(local)`` and scale
  ``1 / (1/b + sum(Lambda))`` (Cori et al. 2013, Web Appendix 1);
* windows whose ``t_end`` is not after the mean of the discrete SI are dropped
  (EpiEstim ``posterior_from_si_distr`` returns NA for them and
  ``estimate_R_func`` removes NA rows).

Days and windows are 1-based, as in EpiEstim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import interpolate, special

from fireline.analytics._conv import causal_convolve
from fireline.analytics._types import FloatArray, IntArray
from fireline.analytics.si import check_si_distr, discr_si

__all__ = [
    "EPIESTIM_COLUMNS",
    "QUANTILE_PROBS",
    "RtResult",
    "default_windows",
    "estimate_rt",
    "estimate_rt_many",
    "overall_infectivity",
]

QUANTILE_PROBS: tuple[float, ...] = (0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975)
EPIESTIM_COLUMNS: tuple[str, ...] = (
    "t_start",
    "t_end",
    "Mean(R)",
    "Std(R)",
    "Quantile.0.025(R)",
    "Quantile.0.05(R)",
    "Quantile.0.25(R)",
    "Median(R)",
    "Quantile.0.75(R)",
    "Quantile.0.95(R)",
    "Quantile.0.975(R)",
)


@dataclass(frozen=True)
class RtResult:
    """Posterior summaries of R per window.

    ``mean``/``std`` have shape (W,) for one series or (S, W) for many;
    ``quantiles`` adds a leading axis over :data:`QUANTILE_PROBS` (so
    ``quantiles[i]`` has the shape of ``mean``; leading because filling a last
    axis is four times slower at 3,000 x 1,000). ``a_posterior``
    and ``b_posterior`` are the gamma shape and scale (``None`` for the
    uncertain-SI method, which is a sample). ``si_distr`` is the SI pmf used
    (one row per sampled SI for the uncertain-SI method).
    """

    t_start: IntArray
    t_end: IntArray
    mean: FloatArray
    std: FloatArray
    quantiles: FloatArray
    si_distr: FloatArray
    a_posterior: FloatArray | None = None
    b_posterior: FloatArray | None = None

    @property
    def median(self) -> FloatArray:
        """Posterior median per window."""
        out: FloatArray = self.quantiles[QUANTILE_PROBS.index(0.5)]
        return out

    def to_columns(self, series: int | None = None) -> dict[str, FloatArray | IntArray]:
        """Columns keyed by EpiEstim's names; ``series`` selects one row of many."""
        mean, std, q = self.mean, self.std, self.quantiles
        if mean.ndim == 2:
            if series is None:
                raise ValueError("pick a series: this result holds several")
            mean, std, q = mean[series], std[series], q[:, series]
        values: list[FloatArray | IntArray] = [self.t_start, self.t_end, mean, std]
        values += list(q)
        return dict(zip(EPIESTIM_COLUMNS, values, strict=True))

    def to_rows(self, series: int | None = None) -> list[dict[str, float]]:
        """One dict per window, keyed by EpiEstim's column names."""
        cols = self.to_columns(series)
        rows: list[dict[str, float]] = []
        for i in range(self.t_start.size):
            rows.append({name: col[i].item() for name, col in cols.items()})
        return rows


def default_windows(n_days: int, window: int = 7) -> tuple[IntArray, IntArray]:
    """EpiEstim's default sliding windows: ``t_start = 2..T-window+1``.

    ``make_config`` uses ``t_start = seq(2, T - 6)`` and ``t_end = t_start + 6``
    for weekly windows; the first day is skipped because its cases are all
    treated as imported.
    """
    if window < 1:
        raise ValueError("window must be >= 1 day")
    t_start = np.arange(2, n_days - window + 2, dtype=np.int64)
    if t_start.size == 0:
        raise ValueError(f"need at least {window + 1} days for a {window}-day window")
    return t_start, t_start + (window - 1)


def _check_windows(t_start: IntArray, t_end: IntArray, n_days: int) -> None:
    # Same rules as EpiEstim check_times.
    if t_start.shape != t_end.shape or t_start.ndim != 1:
        raise ValueError("t_start and t_end must be 1-D and of the same length")
    if np.any(t_start < 2):
        raise ValueError("t_start must be >= 2 (day 1 cases are all imported)")
    if np.any(t_end < t_start):
        raise ValueError("t_end must be >= t_start")
    if np.any(t_end > n_days):
        raise ValueError("t_end must be <= the number of days")


def split_incidence(local: ArrayLike, imported: ArrayLike | None) -> tuple[FloatArray, FloatArray]:
    """Local and imported incidence as 2-D (series, days) float arrays.

    With no ``imported`` series all cases are local, except on day 1 where
    every case is imported (EpiEstim ``process_I``).
    """
    loc = np.array(local, dtype=np.float64, ndmin=2, copy=True)
    imp = np.zeros_like(loc) if imported is None else np.array(imported, dtype=np.float64, ndmin=2)
    if loc.ndim != 2 or loc.shape != imp.shape:
        raise ValueError("incidence must be (days,) or (series, days) and match imported")
    if not (np.all(np.isfinite(loc)) and np.all(np.isfinite(imp))):
        raise ValueError("incidence must not contain missing or infinite values")
    if np.any(loc < 0) or np.any(imp < 0):
        raise ValueError("incidence must be non-negative")
    imp = imp.copy()
    imp[:, 0] += loc[:, 0]
    loc[:, 0] = 0.0
    return loc, imp


def overall_infectivity(total: FloatArray, si_distr: FloatArray) -> FloatArray:
    """Total infectivity Lambda per (series, day); day 1 is NaN as in EpiEstim."""
    kernel = si_distr.reshape(1, -1) if si_distr.ndim == 1 else si_distr
    lam = causal_convolve(np.atleast_2d(total), kernel)
    # FFT round-off can leave -1e-13 where the sum is exactly 0; infectivity is never negative.
    np.maximum(lam, 0.0, out=lam)
    lam[:, 0] = np.nan
    return lam


def _window_sums(x: FloatArray, t_start: IntArray, t_end: IntArray) -> FloatArray:
    """Window totals summed directly, one vectorised pass per distinct window length.

    A difference of cumulative sums loses the small total of a quiet window
    after days of 10^8 cases (5e-9 relative, issue #16), so each window is
    summed on its own, in exact order as EpiEstim's ``sum`` over the window.
    """
    out = np.empty((x.shape[0], t_start.size))
    lengths = t_end - t_start + 1
    for length in np.unique(lengths):  # one length for the default sliding windows
        pick = np.flatnonzero(lengths == length)
        view = np.lib.stride_tricks.sliding_window_view(x, int(length), axis=1)
        out[:, pick] = view[:, t_start[pick] - 1].sum(axis=2)
    return out


def _gamma_quantiles(shape: FloatArray, scale: FloatArray, counts: IntArray | None) -> FloatArray:
    """Gamma quantiles at QUANTILE_PROBS, shape (len(QUANTILE_PROBS), *shape.shape).

    ``gammaincinv`` is slow (~0.5 us a call), but the posterior shape is the
    prior shape plus a case count, so few distinct shapes occur even over
    millions of windows: invert once per distinct shape, then gather and scale.
    ``counts`` (integer window totals, when incidence is integer) give the
    distinct shapes without a sort.
    """
    probs = np.asarray(QUANTILE_PROBS)
    if counts is not None and counts.size:
        present = np.flatnonzero(np.bincount(counts.ravel()))
        shapes = np.zeros(int(counts.max()) + 1)
        shapes[present] = (shape.ravel()[0] - counts.ravel()[0]) + present
        keys = counts
    else:
        shapes, inverse = np.unique(shape, return_inverse=True)
        present = np.arange(shapes.size)
        keys = inverse.reshape(shape.shape)
    table = np.zeros((probs.size, shapes.size))
    table[:, present] = _standard_gamma_quantiles(shapes[present], probs)
    out = np.empty((probs.size, *shape.shape))
    for i in range(probs.size):  # seven probabilities; one vectorised gather each
        np.multiply(table[i].take(keys), scale, out=out[i])
    return out


# Above this shape, quantiles come from a spline instead of one inversion each.
_SPLINE_FROM_SHAPE = 64.0
_SPLINE_NODES = 512


def _standard_gamma_quantiles(shapes: FloatArray, probs: FloatArray) -> FloatArray:
    """``gammaincinv(shape, p)`` for every shape and p, fast for many large shapes.

    Large windows give tens of thousands of distinct shapes. For a > 64,
    q(a, p) / a is an analytic function of u = 1/sqrt(a) that tends to 1 as
    u -> 0 (the Wilson-Hilferty / Cornish-Fisher expansion is a series in u), so
    a cubic spline over 512 equally spaced u reproduces it to ~1e-13 relative
    (checked in tests/analytics/test_rt.py) for 7 x 512 inversions in all.
    """
    large = shapes > _SPLINE_FROM_SHAPE
    if np.count_nonzero(large) <= _SPLINE_NODES:
        # The spline costs 7 x 512 inversions itself: one jurisdiction's few windows
        # (a dashboard's headline) are inverted directly, 20 times faster.
        inverted: FloatArray = special.gammaincinv(shapes[None, :], probs[:, None])
        return inverted
    out = np.empty((probs.size, shapes.size))
    out[:, ~large] = special.gammaincinv(shapes[~large][None, :], probs[:, None])
    if large.any():
        u_max = 1.0 / np.sqrt(_SPLINE_FROM_SHAPE)
        u = np.linspace(0.0, u_max, _SPLINE_NODES)
        a_nodes = 1.0 / np.square(u[1:])
        ratio = np.ones((probs.size, u.size))  # q/a -> 1 as a -> infinity
        ratio[:, 1:] = special.gammaincinv(a_nodes[None, :], probs[:, None]) / a_nodes
        spline = interpolate.CubicSpline(u, ratio, axis=1)
        a = shapes[large]
        out[:, large] = spline(1.0 / np.sqrt(a)) * a
    return out


def _integer_counts(local: FloatArray, sums: FloatArray) -> IntArray | None:
    # Window totals are exact integers when every daily count is (cumsum of
    # integer-valued doubles is exact below 2**53).
    small = sums.size == 0 or sums.max() < 10 * sums.size + 10_000
    if small and np.array_equal(local, np.floor(local)):
        return sums.astype(np.int64)
    return None


def _resolve_si(
    si_mean: float | None, si_sd: float | None, si_distr: ArrayLike | None, n_days: int
) -> FloatArray:
    if si_distr is not None:
        if si_mean is not None or si_sd is not None:
            raise ValueError("give either si_distr or si_mean/si_sd, not both")
        return check_si_distr(si_distr)
    if si_mean is None or si_sd is None:
        raise ValueError("give si_mean and si_sd, or si_distr")
    # EpiEstim's parametric_si discretises over 0..T-1 and pads with one zero.
    return np.append(discr_si(np.arange(n_days), si_mean, si_sd), 0.0)


def estimate_rt_many(
    incidence: ArrayLike,
    imported: ArrayLike | None = None,
    *,
    si_mean: float | None = None,
    si_sd: float | None = None,
    si_distr: ArrayLike | None = None,
    window: int = 7,
    t_start: ArrayLike | None = None,
    t_end: ArrayLike | None = None,
    mean_prior: float = 5.0,
    std_prior: float = 5.0,
) -> RtResult:
    """Rt for many series at once (EpiEstim ``estimate_R``, vectorised).

    Parameters
    ----------
    incidence:
        Local (or total) daily incidence, shape (series, days).
    imported:
        Imported daily incidence of the same shape, or ``None``.
    si_mean, si_sd:
        Mean and sd (days) of the parametric serial interval (``parametric_si``).
    si_distr:
        Non-parametric SI pmf indexed from day 0 with ``si_distr[0] == 0``.
    window:
        Sliding-window length in days for the default windows (EpiEstim: 7).
    t_start, t_end:
        Explicit 1-based window bounds (override ``window``).
    mean_prior, std_prior:
        Mean and sd of the gamma prior on R (EpiEstim default 5 and 5).
    """
    local, imp = split_incidence(incidence, imported)
    n_days = local.shape[1]
    if t_start is None or t_end is None:
        ts, te = default_windows(n_days, window)
    else:
        ts = np.asarray(t_start, dtype=np.int64)
        te = np.asarray(t_end, dtype=np.int64)
    _check_windows(ts, te, n_days)
    if mean_prior <= 0 or std_prior <= 0:
        raise ValueError("mean_prior and std_prior must be > 0")
    si = _resolve_si(si_mean, si_sd, si_distr, n_days)
    mean_si = float(np.sum(si * np.arange(si.size)))
    keep = te > mean_si
    ts, te = ts[keep], te[keep]
    a_prior = (mean_prior / std_prior) ** 2
    b_prior = std_prior**2 / mean_prior
    lam = overall_infectivity(local + imp, si)
    lam[:, 0] = 0.0  # never inside a window (t_start >= 2); keeps cumsum finite
    local_sums = _window_sums(local, ts, te)
    a_post = a_prior + local_sums
    b_post = 1.0 / (1.0 / b_prior + _window_sums(lam, ts, te))
    return RtResult(
        t_start=ts,
        t_end=te,
        mean=a_post * b_post,
        std=np.sqrt(a_post) * b_post,
        quantiles=_gamma_quantiles(a_post, b_post, _integer_counts(local, local_sums)),
        si_distr=si,
        a_posterior=a_post,
        b_posterior=b_post,
    )


def estimate_rt(
    incidence: ArrayLike,
    imported: ArrayLike | None = None,
    *,
    si_mean: float | None = None,
    si_sd: float | None = None,
    si_distr: ArrayLike | None = None,
    window: int = 7,
    t_start: ArrayLike | None = None,
    t_end: ArrayLike | None = None,
    mean_prior: float = 5.0,
    std_prior: float = 5.0,
) -> RtResult:
    """Rt for one daily incidence series, as R ``EpiEstim::estimate_R``.

    Takes the same parameters as :func:`estimate_rt_many` with 1-D series and
    runs the same code on a single row. ``incidence`` is the local (or total)
    incidence; pass ``imported`` for the ``local``/``imported`` split.
    """
    if np.ndim(incidence) != 1:
        raise ValueError("incidence must be 1-D; use estimate_rt_many for several series")
    res = estimate_rt_many(
        incidence,
        imported,
        si_mean=si_mean,
        si_sd=si_sd,
        si_distr=si_distr,
        window=window,
        t_start=t_start,
        t_end=t_end,
        mean_prior=mean_prior,
        std_prior=std_prior,
    )
    assert res.a_posterior is not None and res.b_posterior is not None
    return RtResult(
        t_start=res.t_start,
        t_end=res.t_end,
        mean=res.mean[0],
        std=res.std[0],
        quantiles=res.quantiles[:, 0],
        si_distr=res.si_distr,
        a_posterior=res.a_posterior[0],
        b_posterior=res.b_posterior[0],
    )
