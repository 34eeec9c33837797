"""14-day case forecasts scored by the weighted interval score against persistence.

Outbreaks come from the simulator's branching process (``fireline.simulate``:
negative-binomial offspring, control ramping R down, so every series has growth,
peak and decline) over a grid of R0 and offspring dispersion k. Forecast dates are
drawn (seeded) from each outbreak's days with at least four weeks behind them and
the 14 days ahead known; the truth is the simulated onset count on each of those
days.

- figure: ``fireline.analytics.forecast.forecast_cases`` (renewal equation, R from
  the gamma posterior of the last 7 days, 1,000 trajectories, NB branching with
  k = 0.5) for all dates of an outbreak in one call, scored over the
  hub quantiles (Bracher et al. 2021: median and 11 central intervals);
- baseline: persistence, the mean of the last 7 days held flat with Poisson
  quantiles;
- reported: mean WIS of each, their ratio, the 50% and 90% interval coverage of
  the forecast, and per phase (growth, peak, decline: the sign of the 14-day
  change of the truth); ``figure_s``/``baseline_s`` are the wall times.

Targets (issue "Forecast"): >= 200 dates, mean WIS at least 20% below persistence,
90% coverage within 82-95%.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pyarrow as pa
from scipy import stats

from bench.registry import Measurement
from fireline.analytics._types import FloatArray, IntArray
from fireline.analytics.forecast import forecast_cases
from fireline.analytics.scoring import coverage, weighted_interval_score
from fireline.simulate import branching
from fireline.simulate.geography import from_table
from fireline.simulate.params import DiseaseParams

NAME = "forecast"
DESCRIPTION = "14-day forecasts on simulated outbreaks: WIS vs persistence, coverage"
HORIZON = 14
HISTORY = 28
ALPHAS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
R0S = (1.5, 2.0, 2.5, 3.0)
KS = (0.1, 0.5, 1.0)
CASES = {"small": (3_000,), "full": (3_000, 10_000)}
DATES_PER_OUTBREAK = {"small": 10, "full": 12}
MIN_RECENT = 10  # cases in the last week, so that there is something to forecast
SEED = 20261207


def outbreaks(scale: str) -> list[tuple[str, FloatArray]]:
    """Daily onset counts of simulated outbreaks, one per (R0, k, size)."""
    geography = from_table(
        pa.table(
            {"code": ["C"], "parent_code": [None], "population": [1e7], "lat": [0.0], "lon": [0.0]}
        )
    )
    out = []
    rng = np.random.default_rng(SEED)
    for r0 in R0S:
        for k in KS:
            for cases in CASES[scale]:
                params = DiseaseParams(r0=r0, dispersion_k=k)
                tree = branching.grow(params, geography, cases, rng)
                counts = np.bincount(np.floor(tree.onset).astype(np.int64)).astype(np.float64)
                out.append((f"R0={r0} k={k} n={cases}", counts))
    return out


def forecast_dates(
    counts: FloatArray, wanted: int, rng: np.random.Generator
) -> tuple[IntArray, int]:
    """Last observed days: as many in growth, at the peak and in decline.

    The phase is the date's place against the peak of the 7-day mean: more than a
    week before it (growth), within a week (peak), more than a week after (decline).
    """
    ends = np.arange(HISTORY, counts.size - HORIZON)
    week = np.convolve(counts, np.ones(7) / 7.0, mode="same")
    recent = np.array([counts[e - 6 : e + 1].sum() for e in ends])
    ends = ends[recent >= MIN_RECENT]
    peak = int(np.argmax(week))
    phase = np.where(ends < peak - 7, 0, np.where(ends <= peak + 7, 1, 2))
    picked = [
        rng.choice(ends[phase == i], size=min(wanted // 3, int((phase == i).sum())), replace=False)
        for i in range(3)
    ]
    return np.sort(np.concatenate(picked)).astype(np.int64), peak


def _quantile_sets(q: FloatArray) -> tuple[FloatArray, dict[float, tuple[FloatArray, FloatArray]]]:
    # q: (2K + 1, ...) at probs alpha/2 ..., 0.5, ..., 1 - alpha/2
    k = len(ALPHAS)
    return q[k], {a: (q[i], q[-1 - i]) for i, a in enumerate(ALPHAS)}


def probs() -> FloatArray:
    lo = np.array(ALPHAS) / 2.0
    return np.concatenate([lo, [0.5], (1.0 - lo)[::-1]])


def score(scale: str = "full") -> dict[str, Any]:
    """Score the forecast and persistence on every date; return the table's figures."""
    rng = np.random.default_rng(SEED + 1)
    p = probs()
    rows: dict[str, list[FloatArray]] = {k: [] for k in ("wis", "base", "in50", "in90", "phase")}
    seconds = 0.0
    for _, counts in outbreaks(scale):
        ends, peak = forecast_dates(counts, DATES_PER_OUTBREAK[scale], rng)
        if ends.size == 0:
            continue
        history = np.stack([counts[e - HISTORY + 1 : e + 1] for e in ends])
        truth = np.stack([counts[e + 1 : e + 1 + HORIZON] for e in ends])
        began = time.perf_counter()
        fc = forecast_cases(history, si_mean=4.7, si_sd=2.9, horizon=HORIZON, dispersion=0.5)
        q = fc.quantiles(p)
        seconds += time.perf_counter() - began
        med, iv = _quantile_sets(q)
        rows["wis"].append(weighted_interval_score(truth, med, iv).mean(axis=1))
        level = history[:, -7:].mean(axis=1, keepdims=True) * np.ones((1, HORIZON))
        bq = stats.poisson.ppf(p[:, None, None], level[None])
        bmed, biv = _quantile_sets(bq)
        rows["base"].append(weighted_interval_score(truth, bmed, biv).mean(axis=1))
        i50, i90 = ALPHAS.index(0.5), ALPHAS.index(0.1)
        rows["in50"].append(((truth >= q[i50]) & (truth <= q[-1 - i50])).mean(axis=1))
        rows["in90"].append(((truth >= q[i90]) & (truth <= q[-1 - i90])).mean(axis=1))
        rows["phase"].append(np.where(ends < peak - 7, 0, np.where(ends <= peak + 7, 1, 2)))
    wis, base = np.concatenate(rows["wis"]), np.concatenate(rows["base"])
    phase = np.concatenate(rows["phase"])
    table = {
        name: {
            "dates": int((phase == i).sum()),
            "wis": round(float(wis[phase == i].mean()), 2),
            "persistence": round(float(base[phase == i].mean()), 2),
        }
        for i, name in enumerate(("growth", "peak", "decline"))
        if (phase == i).any()
    }
    return {
        "dates": int(wis.size),
        "mean_wis": round(float(wis.mean()), 3),
        "mean_wis_persistence": round(float(base.mean()), 3),
        "wis_ratio": round(float(wis.mean() / base.mean()), 3),
        "coverage50": round(float(np.concatenate(rows["in50"]).mean()), 3),
        "coverage90": round(float(np.concatenate(rows["in90"]).mean()), 3),
        "phases": table,
        "forecast_seconds": round(seconds, 3),
        "check": coverage([0.0], [0.0], [0.0]),
    }


def run(scale: str) -> Measurement:
    began = time.perf_counter()
    figures = score(scale)
    total = time.perf_counter() - began
    figures.pop("check")
    return Measurement(
        figure_s=figures["forecast_seconds"],
        baseline="persistence: last 7 days' mean held flat, Poisson quantiles",
        baseline_s=total,
        detail=figures,
    )
