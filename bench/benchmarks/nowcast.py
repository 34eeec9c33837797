"""Nowcast and 14-day forecast for 90 counties x 365 days, against a per-county loop.

Input (seeded, built before any clock starts): a line list of cases for ``COUNTIES``
counties over ``DAYS`` days (an epidemic wave of its own size and timing per county,
Poisson counts), each case with a negative-binomial onset-to-report delay whose
mean differs by county; ``now`` is the last day; ``D = 14``.

- figure: ``reporting_triangle`` (one ``bincount`` for every county), the Lawless
  nowcast (``nowcast_lawless``) of all counties at once, then the forecast
  (``forecast_cases``, 1,000 trajectories, 14 days) on the nowcast-corrected series of
  all counties at once; best of ``REPEATS`` runs.
- baseline: a plain Python loop per county doing the same: count its cases into a
  triangle case by case, the Lawless estimator with R surveillance's loops (its
  normal CDF scanned over ``0..N.tInf.max`` as R does), and the renewal forecast
  trajectory by trajectory, day by day. The forecast loop runs on ``SUBSET``
  counties and is scaled to all (reported too); the nowcast loop runs on all.
- agreement: the loop's nowcast equals the vectorised one on every county and day.

R is not called per county here: the Lawless equality with R is checked in
tests/analytics/test_nowcast_r.py on saved R outputs.

Target (issue "Speed"): under 2 s together on 2 cores.
"""

from __future__ import annotations

import math
import time
from statistics import NormalDist

import numpy as np

from bench.registry import Measurement
from fireline.analytics._types import FloatArray, IntArray
from fireline.analytics.forecast import forecast_cases
from fireline.analytics.nowcast import nowcast_lawless, reporting_triangle
from fireline.analytics.si import discr_si

NAME = "nowcast"
DESCRIPTION = "nowcast + 14-day forecast, 90 counties x 365 days, vs a per-county Python loop"
COUNTIES = {"small": 30, "full": 90}
SUBSET = {"small": 3, "full": 9}
DAYS = 365
D = 14
HORIZON = 14
TRAJECTORIES = 1000
REPEATS = 3
SI_MEAN, SI_SD = 4.7, 2.9
SEED = 20261207


def line_list(counties: int) -> tuple[IntArray, IntArray, IntArray]:
    """Onset day, report day and county of every case."""
    rng = np.random.default_rng(SEED)
    t = np.arange(DAYS)
    peak = rng.uniform(60, 330, counties)[:, None]
    height = rng.uniform(5, 120, counties)[:, None]
    rate = height * np.exp(-0.5 * ((t - peak) / rng.uniform(15, 50, counties)[:, None]) ** 2) + 0.5
    counts = rng.poisson(rate)
    county, onset = np.nonzero(counts)
    reps = counts[county, onset]
    county, onset = np.repeat(county, reps), np.repeat(onset, reps)
    mean = rng.uniform(1.0, 5.0, counties)[county]
    delay = rng.negative_binomial(2.0, 2.0 / (2.0 + mean))
    return onset.astype(np.int64), (onset + delay).astype(np.int64), county.astype(np.int64)


def vectorised(onset: IntArray, report: IntArray, county: IntArray, counties: int) -> FloatArray:
    now = DAYS - 1
    tri = reporting_triangle(
        onset, report, now=now, max_delay=D, series=county, n_series=counties, first_day=0
    )
    nc = nowcast_lawless(tri)
    corrected = np.where(np.isfinite(nc.estimate), nc.estimate, nc.reported)
    forecast_cases(
        corrected, si_mean=SI_MEAN, si_sd=SI_SD, horizon=HORIZON, trajectories=TRAJECTORIES
    ).bands()
    return nc.estimate


def _loop_lawless(onsets: list[int], reports: list[int], n_max: int) -> list[float]:
    """Lawless (1994) as R surveillance codes it, one county, plain Python."""
    last = DAYS - 1
    n = [[0] * (D + 1) for _ in range(DAYS)]
    for on, rep in zip(onsets, reports, strict=True):
        if rep <= last:
            n[on][min(rep - on, D)] += 1
    n_x, big_n = [0.0] * (D + 1), [0.0] * (D + 1)
    for x in range(D + 1):
        for t in range(0, last - x + 1):
            n_x[x] += n[t][x]
            big_n[x] += sum(n[t][: x + 1])
    g = [n_x[x] / big_n[x] if big_n[x] > 0 else 0.0 for x in range(D + 1)]
    g[0] = 1.0
    out = []
    for t in range(last - D, last + 1):
        reported = sum(n[t])
        w = math.prod(1.0 - g[x] for x in range(last - t + 1, D + 1))
        n_hat, var = reported / w, reported * (1.0 - w) / w**2
        if var <= 0:
            out.append(n_hat)
            continue
        dist = NormalDist(n_hat, math.sqrt(var))
        denom = 1.0 - dist.cdf(reported)
        cdf = (0.0 if k < reported else dist.cdf(k) / denom for k in range(n_max + 1))
        out.append(float(next((k for k, f in enumerate(cdf) if f > 0.5), 0)))
    return out


def _loop_forecast(series: list[float], rng: np.random.Generator) -> None:
    w = list(discr_si(np.arange(40), SI_MEAN, SI_SD))
    lam = sum(w[s] * series[-s] for s in range(1, 40))
    window = sum(series[-7:])
    for _ in range(TRAJECTORIES):
        r = rng.gamma(1.0 + window, 1.0 / (0.2 + 7 * lam))
        path = list(series)
        for _h in range(HORIZON):
            inf = sum(w[s] * path[-s] for s in range(1, 40))
            path.append(float(rng.poisson(r * inf)))


def run(scale: str) -> Measurement:
    counties = COUNTIES[scale]
    onset, report, county = line_list(counties)
    vectorised(onset, report, county, counties)  # warm-up
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        estimate = vectorised(onset, report, county, counties)
        times.append(time.perf_counter() - began)
    began = time.perf_counter()
    loop_now = []
    for c in range(counties):
        rows = county == c
        n_max = int(np.bincount(onset[rows]).max()) * 20 + 300
        loop_now.append(_loop_lawless(onset[rows].tolist(), report[rows].tolist(), n_max))
    nowcast_s = time.perf_counter() - began
    rng = np.random.default_rng(SEED)
    began = time.perf_counter()
    for c in range(SUBSET[scale]):
        _loop_forecast(np.bincount(onset[county == c], minlength=DAYS).tolist(), rng)
    forecast_s = (time.perf_counter() - began) * counties / SUBSET[scale]
    same = bool(np.array_equal(np.array(loop_now), estimate[:, DAYS - 1 - D :]))
    return Measurement(
        figure_s=min(times),
        baseline="plain Python loop per county (triangle, Lawless as R codes it, renewal paths)",
        baseline_s=nowcast_s + forecast_s,
        detail={
            "counties": counties,
            "days": DAYS,
            "cases": int(onset.size),
            "baseline_nowcast_s": round(nowcast_s, 3),
            "baseline_forecast_s_scaled": round(forecast_s, 3),
            "baseline_forecast_subset": SUBSET[scale],
            "nowcast_equal_to_loop": same,
            "target_s": 2.0,
        },
    )
