"""The care page's 14-day bed forecast, by bed type, with its 50% and 90% intervals.

The cases ahead are the dashboard's: :func:`fireline.surveillance.trends.outlook.outlook`
(nowcast, then the renewal forecast with Rt drawn from its posterior; one function for
both pages). Every simulated future becomes beds through
:func:`fireline.analytics.forecast.bed_forecast`: admissions are the profile's share of
the day's cases, and stays end at the rate 1 / mean stay (the census model of CHIME,
Weissman et al. 2020, Ann Intern Med 173:21-28), so the bed bands carry the case
uncertainty (docs/care.md).

One forecast per bed type, each against its own beds. Intensive care takes the
profile's ``share_icu`` with ``mean_icu_stay_days``; general and isolation beds take the
rest of ``share_hospitalised`` (the profile's ICU share is part of it, see
``Hospitalisation._icu_within_hospital``) with ``mean_stay_days``, divided between them
as the patients in them are now, or as their beds are when no one is admitted (all to
general beds when there are neither): profiles give no isolation share, and where a
place puts its patients is its own practice. Patients now and beds come from
:func:`fireline.care.occupancy.census`, the one patient count of every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy.orm import Session

from fireline.analytics.forecast import Forecast, bed_forecast
from fireline.auth.scope import Actor
from fireline.care.occupancy import census
from fireline.care.schemas import PatientCensus
from fireline.diseases.schemas import DiseaseProfile, Hospitalisation
from fireline.places.models import Jurisdiction
from fireline.surveillance.trends.outlook import ForecastDay, outlook


@dataclass(frozen=True)
class Ward:
    """One bed type the profile's shares reach, its share of cases and mean stay."""

    kind: str  # the bed type: "general", "isolation" or "icu"
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


def isolation_part(now: PatientCensus | None) -> float:
    """The part of the non-ICU admissions that goes to isolation beds: as the patients
    are now, else as the beds are, else none (see the module's docstring)."""
    if now is None:
        return 0.0
    general, isolation = now.of("general"), now.of("isolation")
    if general.occupied + isolation.occupied:
        return isolation.occupied / (general.occupied + isolation.occupied)
    if general.beds + isolation.beds:
        return isolation.beds / (general.beds + isolation.beds)
    return 0.0


def wards(params: Hospitalisation, now: PatientCensus | None = None) -> list[Ward]:
    """The bed types the profile's hospitalisation block supports (maybe none)."""
    found = []
    icu = params.share_icu or 0.0
    if params.share_hospitalised is not None and params.mean_stay_days is not None:
        rest = max(params.share_hospitalised - icu, 0.0)
        part = isolation_part(now)
        found.append(Ward("general", rest * (1.0 - part), params.mean_stay_days))
        found.append(Ward("isolation", rest * part, params.mean_stay_days))
    stay = params.mean_icu_stay_days or params.mean_stay_days
    if params.share_icu is not None and stay is not None:
        found.append(Ward("icu", params.share_icu, stay))
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
    if profile is None or not wards(profile.hospitalisation):
        return None
    ahead = outlook(session, actor, place.code, disease, today, profiles)
    if ahead is None or ahead.simulated is None:
        return None
    now = census(session, actor.within(place))
    first = today + timedelta(days=1)
    out = [
        _ward(ahead.simulated, ward, now.of(ward.kind).occupied, now.of(ward.kind).beds, first)
        for ward in wards(profile.hospitalisation, now)
    ]
    return BedOutlook(float(ahead.simulated.r_mean[0]), ahead.forecast, out)
