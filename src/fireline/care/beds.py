"""Bed demand for the next days from recent incidence and Rt: pure NumPy, no database.

The model, in three steps (docs/care.md):

1. Cases ahead by the renewal equation, I_t = R * sum_s I_{t-s} w_s, with the serial
   interval w discretised as EpiEstim does (``discr_si``; Cori et al. 2013,
   doi:10.1093/aje/kwt133) and R held at the latest estimate: the projection method of
   the R ``projections`` package (Jombart et al.; Nouvellet et al. 2018,
   doi:10.1016/j.epidem.2017.02.012).
2. Admissions a_t = share_hospitalised * I_t (ICU: share_icu * I_t), the profile's
   hospitalisation parameters, admitted on the day of report (no delay modelled).
3. Beds occupied b_t = open_now * S(t) + sum_{u<=t} a_u * S(t-u): admissions convolved
   with the length-of-stay survival S(d) = exp(-d / mean_stay), the census model of
   CHIME (Weissman et al. 2020, Ann Intern Med 173(1):21-28, doi:10.7326/M20-1260) with an
   exponential rather than a fixed stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from fireline.analytics.si import discr_si

FloatArray = npt.NDArray[np.float64]


def project_cases(
    history: FloatArray, rt: float, si_mean: float, si_sd: float, days: int
) -> FloatArray:
    """Expected daily cases for ``days`` days after the last day of ``history``."""
    n = history.size
    weights = discr_si(np.arange(n + days + 1), si_mean, si_sd)
    series = np.concatenate([history.astype(float), np.zeros(days)])
    for t in range(n, n + days):
        past = series[:t][::-1]  # I_{t-1}, I_{t-2}, ...
        series[t] = rt * float(np.dot(past, weights[1 : t + 1]))
    return series[n:]


def census(admissions: FloatArray, open_now: float, mean_stay: float) -> FloatArray:
    """Beds occupied each day: today's patients staying on plus the new admissions."""
    t = np.arange(1, admissions.size + 1)
    survival = np.exp(-np.arange(admissions.size + 1) / mean_stay)
    staying = open_now * np.exp(-t / mean_stay)
    arrived = np.convolve(admissions, survival)[: admissions.size]
    total: FloatArray = staying + arrived
    return total


@dataclass(frozen=True)
class Projection:
    days: list[date]
    cases: list[float]
    beds: list[float]
    capacity: int
    runs_out: date | None


def project_beds(
    start: date, cases: FloatArray, share: float, open_now: float, mean_stay: float, capacity: int
) -> Projection:
    """Beds needed from the day after ``start``, and the first day demand exceeds capacity
    (never, where there are no beds: nothing runs out that was never there, issue #15)."""
    beds = census(cases * share, open_now, mean_stay)
    days = [start + timedelta(days=i + 1) for i in range(cases.size)]
    over = np.flatnonzero(beds > capacity) if capacity > 0 else np.zeros(0, dtype=np.int64)
    return Projection(
        days,
        [round(float(c), 2) for c in cases],
        [round(float(b), 2) for b in beds],
        capacity,
        days[int(over[0])] if over.size else None,
    )
