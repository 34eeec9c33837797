"""Rt for many jurisdictions at once, against epyestim run series by series.

Input (seeded, generated before any clock starts): ``SERIES`` daily incidence
series of ``DAYS`` days from a renewal process with a drifting reproduction
number, susceptible depletion, waning immunity and a trickle of imported cases
(several epidemic waves per series, counts from 0 to tens of thousands a day).

- figure: ``fireline.analytics.estimate_rt_many`` on all series in one call
  (EpiEstim's table: posterior mean, sd and the seven quantiles per weekly
  window). One untimed warm-up call, then the median of ``REPEATS`` calls.
- baseline: epyestim 0.1 (the Python port of the Cori method), series by
  series, with the same discretised serial interval, the same 7-day windows
  and the same gamma prior (mean 5, sd 5, i.e. shape ``a_prior=1`` and scale
  ``b_prior=5``): its plain Cori estimator ``estimate_r.estimate_r`` (not the
  bootstrapping ``covid19_r_estimate``), followed by ``gamma_quantiles`` at
  EpiEstim's seven probabilities, so that both sides produce the same table.
  Only ``SUBSET`` series are timed (median of ``BASELINE_REPEATS`` passes) and
  the time is scaled linearly to all series; the measured subset time, and the
  time of ``estimate_r`` alone (posterior parameters, no quantiles), are
  reported too.
- agreement: max relative difference of the posterior means (and of all the
  quantiles) on the subset, over the windows both return.

Targets (issue "Rt"): under 1 s for 3,000 x 1,000 on 2 cores, and at least
50x faster than epyestim series by series.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bench.registry import Measurement
from fireline.analytics import QUANTILE_PROBS, RtResult, discr_si, estimate_rt_many

NAME = "rt"
DESCRIPTION = "estimate_rt_many on N series x 1,000 days (full: 3,000) vs epyestim per series"
SERIES = {"small": 300, "full": 3_000}
SUBSET = {"small": 10, "full": 30}
DAYS = 1_000
WINDOW = 7
REPEATS = 5
BASELINE_REPEATS = 3
SI_MEAN, SI_SD, SI_DAYS = 5.2, 2.8, 31  # a generic respiratory serial interval
A_PRIOR, B_PRIOR = 1.0, 5.0  # gamma shape/scale = EpiEstim's prior mean 5, sd 5
TARGET_S = 1.0
TARGET_SPEEDUP = 50.0

Array = NDArray[np.float64]


def serial_interval() -> Array:
    """EpiEstim's discretised shifted gamma over days 0..30, renormalised to sum 1."""
    si = discr_si(np.arange(SI_DAYS), SI_MEAN, SI_SD)
    out: Array = si / si.sum()
    return out


def simulate(series: int, days: int, si: Array, seed: int = 20261128) -> Array:
    """Renewal-process incidence, one row per jurisdiction (vectorised over series)."""
    rng = np.random.default_rng(seed)
    pop = rng.uniform(5e4, 2e6, series)
    susceptible = pop.copy()
    log_r = np.full(series, np.log(1.3))
    incidence = np.zeros((series, days))
    weights = si[1:][::-1]  # weights[-1] is the SI at lag 1
    for t in range(days):
        # log R drifts (mean-reverting to log 1.25); depletion and waning make waves.
        log_r += 0.03 * (np.log(1.25) - log_r) + rng.normal(0.0, 0.04, series)
        lo = max(0, t - weights.size)
        infectivity = incidence[:, lo:t] @ weights[weights.size - (t - lo) :]
        mean = np.exp(log_r) * susceptible / pop * infectivity + 0.3  # + imported
        new = np.minimum(rng.poisson(mean), susceptible)
        incidence[:, t] = new
        susceptible += (pop - susceptible) / 365.0 - new
    return incidence


def _median_time(work: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times), times


def _epyestim_table(incidence: Array, si: Array, quantiles: bool) -> list[Array]:
    """epyestim, series by series: (mean, sd[, quantiles...]) per window ending t_end >= 7."""
    import pandas as pd
    from epyestim.estimate_r import estimate_r, gamma_quantiles  # type: ignore[import-untyped]

    out = []
    for row in incidence:
        post = estimate_r(pd.Series(row), si, A_PRIOR, B_PRIOR, window_size=WINDOW)
        a, b = post["a_posterior"].to_numpy(), post["b_posterior"].to_numpy()
        cols = [a * b, np.sqrt(a) * b]
        if quantiles:
            cols += [gamma_quantiles(q, a, b) for q in QUANTILE_PROBS]
        out.append(np.array(cols))
    return out


def _agreement(fire: RtResult, epy: list[Array]) -> dict[str, float]:
    """Max relative differences over the windows both return (epyestim row = t_end - 7)."""
    rows = fire.t_end - WINDOW
    mean = max(float(np.max(np.abs(e[0, rows] / fire.mean[i] - 1))) for i, e in enumerate(epy))
    quant = max(
        float(np.max(np.abs(e[2:, rows] / fire.quantiles[:, i] - 1))) for i, e in enumerate(epy)
    )
    return {"agreement_mean_max_rel": mean, "agreement_quantiles_max_rel": quant}


def _fireline(incidence: Array, si: Array) -> tuple[RtResult, dict[str, Any]]:
    """Time estimate_rt_many on every series: a cold call, then REPEATS warm ones."""
    began = time.perf_counter()
    result = estimate_rt_many(incidence, si_distr=si, window=WINDOW)
    cold = time.perf_counter() - began
    figure, runs = _median_time(
        lambda: estimate_rt_many(incidence, si_distr=si, window=WINDOW), REPEATS
    )
    return result, {
        "figure_s": figure,
        "windows_per_series": int(result.t_end.size),
        # Each distinct window total is one gamma inversion per quantile for fireline.
        "distinct_posterior_shapes": int(np.unique(np.asarray(result.a_posterior)).size),
        "fireline_runs_s": [round(t, 3) for t in runs],
        "fireline_cold_s": round(cold, 3),
    }


def _baseline(part: Array, si: Array, scale_up: float, figure: float) -> dict[str, Any]:
    """Time epyestim on the subset (with and without quantiles) and check agreement."""
    table: dict[str, list[Array]] = {}

    def same_table() -> None:
        table["epy"] = _epyestim_table(part, si, quantiles=True)

    full_subset, _ = _median_time(same_table, BASELINE_REPEATS)
    post_subset, _ = _median_time(lambda: _epyestim_table(part, si, False), BASELINE_REPEATS)
    agreement = _agreement(estimate_rt_many(part, si_distr=si, window=WINDOW), table["epy"])
    return {
        "baseline_s": full_subset * scale_up,
        "speedup": round(full_subset * scale_up / figure, 1),
        "baseline_subset_series": part.shape[0],
        "baseline_subset_s": round(full_subset, 3),
        "baseline_scaled_by": scale_up,
        "posterior_only_subset_s": round(post_subset, 3),
        "posterior_only_scaled_s": round(post_subset * scale_up, 3),
        "posterior_only_speedup": round(post_subset * scale_up / figure, 1),
        **{k: float(f"{v:.3g}") for k, v in agreement.items()},
    }


def run(scale: str) -> Measurement:
    try:
        import epyestim  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the bench extra is not installed
        raise SystemExit("error: the rt benchmark needs epyestim (pip install epyestim)") from exc
    n_series, subset = SERIES[scale], SUBSET[scale]
    si = serial_interval()
    incidence = simulate(n_series, DAYS, si)
    _, fire = _fireline(incidence, si)
    figure = fire.pop("figure_s")
    scale_up = n_series / subset
    base = _baseline(incidence[:subset], si, scale_up, figure)
    baseline = base.pop("baseline_s")
    detail: dict[str, Any] = {
        "series": n_series,
        "days": DAYS,
        **fire,
        **base,
        "epyestim": version("epyestim"),
        "target_s": TARGET_S,
        "within_target": figure < TARGET_S,
        "target_speedup": TARGET_SPEEDUP,
        "meets_speedup": baseline / figure >= TARGET_SPEEDUP,
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    what = (
        f"epyestim estimate_r + gamma_quantiles per series (same table), "
        f"{subset} series timed and scaled x{scale_up:g}"
    )
    return Measurement(figure, what, baseline, detail)
