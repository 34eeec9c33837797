"""Two-week case and bed forecasts from the renewal equation and the Rt posterior.

The method of R ``projections`` (Jombart et al.; Nouvellet et al. 2018, Epidemics 22:
29-35, doi:10.1016/j.epidem.2017.02.012) run on many series at once:

* R for each trajectory is drawn from the gamma posterior of Rt over the last
  ``window`` days (Cori et al. 2013, :func:`fireline.analytics.rt.estimate_rt_many`)
  and held for the whole horizon (``projections``' ``R_fix_within = TRUE``), then
  walks on the log scale by ``drift`` per day, so that the bands widen with the
  horizon as R itself changes (Abbott et al. 2020, Wellcome Open Res 5:112, the
  random-walk Rt of EpiNow2);
* cases on day ``t`` are Poisson with mean ``R * Lambda_t``, or negative binomial
  with the same mean and size ``k * Lambda_t`` (the sum of ``Lambda_t`` offspring
  counts each NB(R, k); Lloyd-Smith et al. 2005, Nature 438:355), where
  ``Lambda_t = sum_s w_s I_{t-s}`` over the observed and the simulated days;
* beds follow from cases by the admission share and the exponential
  length-of-stay census of :mod:`fireline.care.beds` (CHIME; Weissman et al. 2020),
  per trajectory, so the bed bands carry the case uncertainty.

The loop runs over the horizon days only; series and trajectories are array axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from fireline.analytics._types import FloatArray
from fireline.analytics.rt import estimate_rt_many
from fireline.analytics.si import discr_si

__all__ = [
    "FORECAST_PROBS",
    "Forecast",
    "bed_forecast",
    "forecast_cases",
]

# Median, 50% and 90% central intervals (the bands the pages draw).
FORECAST_PROBS: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Forecast:
    """Simulated futures, stored day-major: ``days[h, s, j]`` is day ``h + 1`` of series
    ``s`` in trajectory ``j``."""

    days: FloatArray
    r_mean: FloatArray  # posterior mean of R per series

    @property
    def trajectories(self) -> FloatArray:
        """The same numbers as (series, trajectories, horizon)."""
        out: FloatArray = np.moveaxis(self.days, 0, 2)
        return out

    def quantiles(self, probs: ArrayLike = FORECAST_PROBS) -> FloatArray:
        """Quantiles per series and day, shape (len(probs), series, horizon).

        The lower empirical quantile (``inverted_cdf``: the smallest value whose
        share of trajectories at or below it reaches p), by one partial sort.
        """
        p = np.asarray(probs, dtype=np.float64)
        n = self.days.shape[2]
        ranks = np.clip(np.ceil(p * n).astype(np.int64) - 1, 0, n - 1)
        kth = np.unique(ranks)
        part = np.partition(self.days, kth, axis=2)
        out: FloatArray = np.moveaxis(part[..., ranks], 2, 0).transpose(0, 2, 1)
        return out

    def bands(self) -> dict[str, FloatArray]:
        """``median``, ``lower50``/``upper50`` and ``lower90``/``upper90`` per series and day."""
        q = self.quantiles(FORECAST_PROBS)
        names = ("lower90", "lower50", "median", "upper50", "upper90")
        return dict(zip(names, q, strict=True))


def _si_weights(si_mean: float, si_sd: float, days: int) -> FloatArray:
    # EpiEstim's discretised serial interval, cut where 99.99% of it is reached.
    w = discr_si(np.arange(days + 1), si_mean, si_sd)
    keep = int(np.searchsorted(np.cumsum(w), 0.9999)) + 1
    out: FloatArray = w[: max(keep, 2)] / w[: max(keep, 2)].sum()
    return out


def _r_posterior(
    incidence: FloatArray, si: FloatArray, window: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Gamma shape and scale of R over the last ``window`` days (EpiEstim prior 5, 5),
    and the daily change of log R from the window before (0 where it is unknown)."""
    days = incidence.shape[1]
    end = np.array([days - window, days])
    res = estimate_rt_many(incidence, si_distr=si, t_start=end - window + 1, t_end=end)
    if res.a_posterior is None or res.b_posterior is None or res.t_end.size == 0:
        raise ValueError("the series is too short for the serial interval")
    shape, scale = res.a_posterior[:, -1], res.b_posterior[:, -1]
    if res.t_end.size < 2:
        return shape, scale, np.zeros_like(shape)
    # Both windows need cases for the change to mean anything (the prior alone is 5).
    seen = (res.a_posterior[:, 0] > 1.0 + 5) & (res.a_posterior[:, 1] > 1.0 + 5)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.log(res.mean[:, 1] / res.mean[:, 0]) / window
    return shape, scale, np.where(seen & np.isfinite(slope), slope, 0.0)


def _observed_infectivity(inc: FloatArray, si: FloatArray, horizon: int) -> FloatArray:
    """``sum_s w_s I_{T+h-s}`` over the observed days only, per series and horizon day."""
    days = inc.shape[1]
    past = np.zeros((inc.shape[0], horizon))
    for h in range(horizon):
        span = np.arange(h + 1, min(si.size, h + 1 + days))  # lags reaching observed days
        past[:, h] = inc[:, days - (span - h)] @ si[span]
    return past


def forecast_cases(
    incidence: ArrayLike,
    *,
    si_mean: float,
    si_sd: float,
    horizon: int = 14,
    trajectories: int = 1000,
    window: int = 7,
    dispersion: float | None = None,
    drift: float = 0.1,
    damping: float = 0.9,
    seed: int | None = 0,
    r_gamma: tuple[ArrayLike, ArrayLike] | None = None,
) -> Forecast:
    """Simulate ``trajectories`` futures of each daily series for ``horizon`` days.

    ``incidence`` is (days,) or (series, days) of non-negative counts ending today.
    ``dispersion`` is the offspring k (``None``: Poisson). ``drift`` is the sd of the
    daily step of log R (0 holds R fixed as ``projections`` does). ``r_gamma``: the
    gamma shape and scale (per series) to draw R from instead of the last ``window``
    days' posterior, e.g. the headline Rt's window, so that the forecast runs on the
    Rt the pages show.
    """
    inc = np.array(incidence, dtype=np.float64, ndmin=2)
    if inc.ndim != 2 or not np.all(np.isfinite(inc)) or np.any(inc < 0):
        raise ValueError("incidence must be finite, non-negative, (days,) or (series, days)")
    if horizon < 1 or trajectories < 1 or window < 2 or drift < 0:
        raise ValueError("horizon and trajectories must be >= 1, window >= 2, drift >= 0")
    if dispersion is not None and not dispersion > 0:
        raise ValueError("the dispersion k must be positive")
    series, days = inc.shape
    if days <= window:
        raise ValueError(f"need more than {window} days of counts")
    si = _si_weights(si_mean, si_sd, days + horizon)
    shape, scale, slope = _r_posterior(inc, si, window)
    if r_gamma is not None:
        shape = np.broadcast_to(np.asarray(r_gamma[0], dtype=np.float64), shape.shape)
        scale = np.broadcast_to(np.asarray(r_gamma[1], dtype=np.float64), scale.shape)
    rng = np.random.default_rng(seed)
    r = rng.gamma(shape[:, None], scale[:, None], (series, trajectories))
    # Day-major arrays (horizon, series, trajectories): each day is one contiguous slab.
    steps = rng.standard_normal((horizon, series, trajectories), dtype=np.float32)
    steps *= np.float32(drift)
    steps[0] = 0.0
    # The last window's R is centred (window - 1) / 2 days back: carry its trend
    # forward from there, damped (Gardner & McKenzie 1985 damped trend).
    lead = (window - 1) / 2.0 + np.arange(1, horizon + 1)
    trend = (np.cumsum(damping**lead)[:, None] * slope[None, :]).astype(np.float32)
    walk = np.exp(np.cumsum(steps, axis=0) + trend[..., None])
    # Infectivity of every future day, from the observed days now and from each
    # simulated day as soon as it is drawn (one multiply-add per horizon day).
    lam = np.repeat(_observed_infectivity(inc, si, horizon).T[:, :, None], trajectories, axis=2)
    sim = np.zeros((horizon, series, trajectories))
    for h in range(horizon):
        sim[h] = _draw(rng, r * walk[h] * lam[h], lam[h], dispersion)
        ahead = min(horizon - h - 1, si.size - 1)
        if ahead:
            lam[h + 1 : h + 1 + ahead] += si[1 : ahead + 1, None, None] * sim[h]
    return Forecast(sim, shape * scale)


def _draw(
    rng: np.random.Generator, mean: FloatArray, lam: FloatArray, dispersion: float | None
) -> FloatArray:
    if dispersion is None:
        out: FloatArray = rng.poisson(mean).astype(np.float64)
        return out
    size = np.broadcast_to(dispersion * lam, mean.shape)
    rate = rng.gamma(np.where(size > 0, size, 1.0), 1.0) / np.where(size > 0, size, 1.0)
    # Gamma-Poisson mixture = NB(mean, size); size 0 (no infectors) gives 0 cases.
    draws: FloatArray = rng.poisson(np.where(size > 0, mean * rate, 0.0)).astype(np.float64)
    return draws


def bed_forecast(
    forecast: Forecast,
    *,
    share: float,
    mean_stay: float,
    open_now: ArrayLike = 0.0,
) -> FloatArray:
    """Beds occupied per series, trajectory and day for one bed type.

    Admissions are ``share`` of the day's cases; a patient stays with survival
    ``exp(-d / mean_stay)``; ``open_now`` patients (per series) already in beds
    leave at the same rate (:func:`fireline.care.beds.census`).
    """
    if not 0.0 <= share <= 1.0 or mean_stay <= 0:
        raise ValueError("share must be in [0, 1] and mean_stay > 0")
    cases = forecast.trajectories
    horizon = cases.shape[2]  # (series, trajectories, horizon)
    survival = np.exp(-np.arange(horizon) / mean_stay)
    beds = np.zeros_like(cases)
    for d in range(horizon):  # horizon days only
        beds[..., d:] += share * cases[..., : horizon - d] * survival[d]
    staying = np.asarray(open_now, dtype=np.float64).reshape(-1, 1, 1) * np.exp(
        -np.arange(1, horizon + 1) / mean_stay
    )
    out: FloatArray = beds + staying
    return out
