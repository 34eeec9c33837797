"""The care page's 14-day bed forecast, by bed type, with its 50% and 90% intervals.

The cases ahead are the dashboard's: :func:`fireline.surveillance.trends.outlook.outlook`
(nowcast, then the renewal forecast with Rt drawn from its posterior; one function for
both pages). Every simulated future becomes beds through
:func:`fireline.analytics.forecast.bed_forecast`: admissions are the profile's share of
the day's cases, and stays end at the rate 1 / mean stay (the census model of CHIME,
Weissman et al. 2020, Ann Intern Med 173:21-28), so the bed bands carry the case
uncertainty (docs/care.md).

Bed types follow the profile's two shares: intensive care takes ``share_icu`` with
``mean_icu_stay_days``; general and isolation wards take the rest of
``share_hospitalised`` (the profile's ICU share is part of it, see
``Hospitalisation._icu_within_hospital``) with ``mean_stay_days``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy.orm import Session

from fireline.analytics.forecast import Forecast, bed_forecast
from fireline.auth.scope import Actor
from fireline.care.occupancy import occupancy
from fireline.diseases.schemas import DiseaseProfile, Hospitalisation
from fireline.places.models import Jurisdiction
from fireline.surveillance.trends.outlook import ForecastDay, outlook


@dataclass(frozen=True)
class Ward:
    """One bed group the profile gives a share for, and the care bed types it fills."""

    kind: str  # "ward" or "icu"
    bed_types: tuple[str, ...]
    share: float
    mean_stay: float


@dataclass(frozen=True)
class WardForecast:
    ward: Ward
    open_now: int
    capacity: int
    days: list[ForecastDay]  # beds occupied: median, 50% and 90% intervals
    runs_out: date | None  # first day the median exceeds capacity
    may_run_out: date | None  # first day the upper 90% bound exceeds capacity


@dataclass(frozen=True)
class BedOutlook:
    rt: float  # posterior mean of Rt behind the forecast
    cases: list[ForecastDay]  # the dashboard's case forecast, to the number
    wards: list[WardForecast]


def wards(params: Hospitalisation) -> list[Ward]:
    """The bed groups the profile's hospitalisation block supports (maybe none)."""
    found = []
    icu = params.share_icu or 0.0
    if params.share_hospitalised is not None and params.mean_stay_days is not None:
        share = max(params.share_hospitalised - icu, 0.0)
        found.append(Ward("ward", ("general", "isolation"), share, params.mean_stay_days))
    stay = params.mean_icu_stay_days or params.mean_stay_days
    if params.share_icu is not None and stay is not None:
        found.append(Ward("icu", ("icu",), params.share_icu, stay))
    return found


def _first_over(days: list[date], values: np.ndarray, capacity: int) -> date | None:
    over = np.flatnonzero(values > capacity)
    return days[int(over[0])] if over.size and capacity > 0 else None


def _ward(
    simulated: Forecast, ward: Ward, open_now: int, capacity: int, first: date
) -> WardForecast:
    beds = bed_forecast(simulated, share=ward.share, mean_stay=ward.mean_stay, open_now=open_now)
    # (series, trajectories, horizon) -> day-major, to reuse the forecast's quantiles.
    bands = Forecast(days=np.moveaxis(beds, 2, 0), r_mean=simulated.r_mean).bands()
    horizon = beds.shape[2]
    dates = [first + timedelta(days=h) for h in range(horizon)]
    names = ("median", "lower50", "upper50", "lower90", "upper90")
    days = [
        ForecastDay(dates[h], *(round(float(bands[k][0, h]), 2) for k in names))
        for h in range(horizon)
    ]
    return WardForecast(
        ward,
        open_now,
        capacity,
        days,
        _first_over(dates, bands["median"][0], capacity),
        _first_over(dates, bands["upper90"][0], capacity),
    )


def bed_outlook(
    session: Session,
    actor: Actor,
    place: Jurisdiction,
    disease: str,
    today: date,
    profiles: Mapping[str, DiseaseProfile],
) -> BedOutlook | None:
    """Beds by bed type for the 14 days after ``today``; None when there is no case
    forecast (too few cases by onset) or the profile gives no hospitalisation shares."""
    profile = profiles.get(disease)
    groups = wards(profile.hospitalisation) if profile is not None else []
    ahead = outlook(session, actor, place.code, disease, today, profiles)
    if not groups or ahead is None or ahead.simulated is None:
        return None
    rows = occupancy(session, actor.within(place))
    out = []
    for ward in groups:
        mine = [r for r in rows if r.bed_type in ward.bed_types]
        open_now, capacity = sum(r.occupied for r in mine), sum(r.beds for r in mine)
        first = today + timedelta(days=1)
        out.append(_ward(ahead.simulated, ward, open_now, capacity, first))
    return BedOutlook(float(ahead.simulated.r_mean[0]), ahead.forecast, out)
