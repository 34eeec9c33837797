"""A profile's delays as curves a reader can look at: the incubation period and the
serial interval as densities over days, from the parameters the profile gives.

A distribution is given by its parameters (``meanlog``/``sdlog``, ``shape``/``scale``)
or by its mean and standard deviation; the conversions are the textbook moment
matches (lognormal: sdlog² = ln(1 + sd²/mean²), meanlog = ln mean − sdlog²/2; gamma:
shape = (mean/sd)², scale = sd²/mean; Weibull and normal by their parameters).
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from fireline.diseases.schemas import DiseaseProfile, Distribution

__all__ = ["Curve", "delay_curves", "frozen"]

POINTS = 121


@dataclass(frozen=True)
class Curve:
    """Probability density per day at ``days``; ``what`` names the delay."""

    what: str
    days: tuple[float, ...]
    density: tuple[float, ...]


def frozen(name: str, mean: float | None, sd: float | None, params: dict[str, float]) -> Any:
    """The SciPy distribution of a profile's delay; ValueError when it is underspecified."""
    if name == "lognormal":
        if {"meanlog", "sdlog"} <= params.keys():
            return stats.lognorm(s=params["sdlog"], scale=math.exp(params["meanlog"]))
        if mean is not None and sd is not None:
            sdlog = math.sqrt(math.log(1 + (sd / mean) ** 2))
            return stats.lognorm(s=sdlog, scale=math.exp(math.log(mean) - sdlog**2 / 2))
    if name == "gamma":
        if {"shape", "scale"} <= params.keys():
            return stats.gamma(a=params["shape"], scale=params["scale"])
        if mean is not None and sd is not None:
            return stats.gamma(a=(mean / sd) ** 2, scale=sd**2 / mean)
    if name == "weibull" and {"shape", "scale"} <= params.keys():
        return stats.weibull_min(c=params["shape"], scale=params["scale"])
    if name == "normal" and mean is not None and sd is not None:
        return stats.norm(loc=mean, scale=sd)
    raise ValueError(f"{name} distribution without usable parameters")


def _curve(what: str, dist: Any, last: float) -> Curve:
    days = np.linspace(0.0, last, POINTS)
    density = np.nan_to_num(dist.pdf(days))
    return Curve(what, tuple(np.round(days, 2)), tuple(np.round(density, 4)))


def delay_curves(profile: DiseaseProfile) -> list[Curve]:
    """The incubation period (when its parameters allow) and the serial interval (gamma
    unless the profile says otherwise), from day 0 to the later of the longest
    incubation and the serial interval's 99th percentile."""
    incubation: Distribution = profile.incubation_period.distribution
    serial = profile.serial_interval
    dists: list[tuple[str, Any]] = []
    with contextlib.suppress(ValueError):  # a profile may give a median only: no curve
        inc = frozen(incubation.name, incubation.mean, incubation.sd, incubation.params)
        dists.append(("incubation", inc))
    name = serial.distribution or "gamma"
    dists.append(("serial_interval", frozen(name, serial.mean_days, serial.sd_days, {})))
    ends = [float(d.ppf(0.99)) for _, d in dists]
    last = float(max(profile.incubation_period.max_days, *ends))
    return [_curve(what, dist, math.ceil(last)) for what, dist in dists]
