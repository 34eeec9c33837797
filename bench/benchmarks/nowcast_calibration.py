"""Nowcast calibration: 90% intervals against the final counts of simulated outbreaks.

Outbreaks come from the simulator's branching process (``fireline.simulate``) over a
set of R0 and offspring dispersion k; each gets its own random onset-to-report delay
(negative binomial, mean 1-6 days, size 0.5-5), so some delays exceed ``D = 14``.
At random "now" dates the line list is cut to what was reported by then, both
methods nowcast the last ``D - 1`` onset days (now-13 .. now-1, the days the
CLI shows), and the 90% interval is checked against the final count of the day
(every case, however late reported).

- figure: the Lawless nowcast (:func:`nowcast_lawless`) and ``bayes.trunc``
  (:func:`nowcast_bayes`, 300 posterior draws) of every date, timed;
- reported: coverage and mean width of the 90% intervals per method.

Target (issue "Nowcast"): 90% intervals cover 85-95% of final counts.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pyarrow as pa

from bench.registry import Measurement
from fireline.analytics.nowcast import nowcast_bayes, nowcast_lawless, reporting_triangle
from fireline.simulate import branching
from fireline.simulate.geography import from_table
from fireline.simulate.params import DiseaseParams

NAME = "nowcast-calibration"
DESCRIPTION = "nowcast 90% interval coverage of final counts on simulated outbreaks"
D = 14
OUTBREAKS = {
    "small": ((1.8, 0.5), (2.5, 0.1), (3.0, 1.0), (2.0, 0.3), (1.5, 1.0), (2.2, 0.2)),
    "full": tuple((r0, k) for r0 in (1.5, 2.0, 2.5, 3.0) for k in (0.1, 0.3, 0.5, 1.0)),
}
CASES = {"small": 2_000, "full": 4_000}
DATES = {"small": 6, "full": 10}
SAMPLES = 300
SEED = 11


def coverage(scale: str, alpha: float = 0.10) -> dict[str, Any]:
    """Coverage and mean width of the ``1 - alpha`` intervals of both methods."""
    geography = from_table(
        pa.table(
            {"code": ["C"], "parent_code": [None], "population": [1e7], "lat": [0.0], "lon": [0.0]}
        )
    )
    rng = np.random.default_rng(SEED)
    hits: dict[str, list[np.ndarray]] = {"lawless": [], "bayes": []}
    widths: dict[str, list[np.ndarray]] = {"lawless": [], "bayes": []}
    seconds = dict.fromkeys(hits, 0.0)
    for r0, k in OUTBREAKS[scale]:
        tree = branching.grow(DiseaseParams(r0=r0, dispersion_k=k), geography, CASES[scale], rng)
        onset = np.floor(tree.onset).astype(np.int64)
        size, mean = rng.uniform(0.5, 5.0), rng.uniform(1.0, 6.0)
        report = onset + rng.negative_binomial(size, size / (size + mean), onset.size)
        final = np.bincount(onset)
        for now in rng.choice(np.arange(D + 10, onset.max() - 5), DATES[scale], replace=False):
            tri = reporting_triangle(onset, report, now=int(now), max_delay=D, first_day=0)
            truth = final[now - D + 1 : now]
            for name in hits:
                began = time.perf_counter()
                res = (
                    nowcast_lawless(tri, alpha=alpha)
                    if name == "lawless"
                    else nowcast_bayes(tri, alpha=alpha, samples=SAMPLES)
                )
                seconds[name] += time.perf_counter() - began
                lo, hi = res.lower[0, now - D + 1 : now], res.upper[0, now - D + 1 : now]
                hits[name].append((truth >= lo) & (truth <= hi))
                widths[name].append(hi - lo)
    return {
        name: {
            "days": int(np.concatenate(hits[name]).size),
            "coverage90": round(float(np.concatenate(hits[name]).mean()), 3),
            "mean_width": round(float(np.concatenate(widths[name]).mean()), 2),
            "seconds": round(seconds[name], 3),
        }
        for name in hits
    }


def run(scale: str) -> Measurement:
    figures = coverage(scale)
    return Measurement(
        figure_s=figures["lawless"]["seconds"],
        baseline="bayes.trunc (300 draws) on the same dates",
        baseline_s=figures["bayes"]["seconds"],
        detail={"methods": figures, "max_delay": D, "target_coverage": [0.85, 0.95]},
    )
