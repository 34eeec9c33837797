"""Nowcast and 14-day forecast of one jurisdiction subtree, by date of onset.

One grouped query sums the daily counts (surveillance/counts) of counted cases by
(onset, report) date over the last ``HISTORY`` days;
:func:`fireline.analytics.nowcast.nowcast_lawless` completes the last ``MAX_DELAY``
onset days for cases not yet reported (Lawless 1994, as R ``surveillance::nowcast``),
and :func:`fireline.analytics.forecast.forecast_cases` projects the completed series 14
days ahead with the profile's serial interval (renewal equation, as R ``projections``),
drawing R from the posterior of the headline Rt's window
(:func:`fireline.surveillance.trends.headline.headline_rt`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.analytics.forecast import Forecast, forecast_cases
from fireline.analytics.nowcast import nowcast_lawless, reporting_triangle
from fireline.auth.scope import Actor
from fireline.diseases.schemas import DiseaseProfile
from fireline.surveillance.counts.models import CaseDailyCount as Daily
from fireline.surveillance.trends.headline import headline_rt, unreported
from fireline.surveillance.trends.service import COUNTED, _in_subtree

__all__ = ["Outlook", "outlook", "unreported"]

HISTORY = 90  # onset days read: enough for the delay estimate and the Rt window
MAX_DELAY = 14  # D: longer delays count as D (R surveillance::nowcast)
HORIZON = 14
BANDS = ("median", "lower50", "upper50", "lower90", "upper90")
MIN_RECENT_CASES = 10  # cases by onset in the last two weeks before a forecast is drawn


@dataclass(frozen=True)
class OnsetDay:
    day: date
    reported: int
    nowcast: float | None  # None: complete (D days or more back) or not enough data
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class ForecastDay:
    day: date
    median: float
    lower50: float
    upper50: float
    lower90: float
    upper90: float


@dataclass(frozen=True)
class Outlook:
    days: list[OnsetDay]
    forecast: list[ForecastDay]
    max_delay: int
    # The simulated futures behind ``forecast``: the care page's bed forecast runs on them.
    simulated: Forecast | None = field(default=None, compare=False, repr=False)


def _triangle(
    session: Session, actor: Actor, code: str, disease: str, start: date, end: date
) -> np.ndarray | None:
    rows = session.execute(
        select(Daily.day_onset, Daily.date_reporting, func.sum(Daily.case_count))
        .where(*_in_subtree(session, actor, code, disease))
        .where(Daily.classification.in_(COUNTED), Daily.onset_known)
        .where(Daily.day_onset.between(start, end), Daily.date_reporting <= end)
        .group_by(Daily.day_onset, Daily.date_reporting)
    ).all()
    if not rows:
        return None
    counts = np.array([n for _, _, n in rows], dtype=np.int64)
    onset = np.repeat([(o - start).days for o, _, _ in rows], counts)
    report = np.repeat([(r - start).days for _, r, _ in rows], counts)
    # A report before onset is a data-entry error; count it as reported on onset.
    report = np.maximum(report, onset)
    return reporting_triangle(
        onset, report, now=(end - start).days, max_delay=MAX_DELAY, first_day=0
    )


def outlook(
    session: Session,
    actor: Actor,
    code: str,
    disease: str,
    end: date,
    profiles: Mapping[str, DiseaseProfile],
) -> Outlook | None:
    """Onset counts with the nowcast of the last ``MAX_DELAY`` days and the forecast."""
    start = end - timedelta(days=HISTORY - 1)
    tri = _triangle(session, actor, code, disease, start, end)
    if tri is None:
        return None
    nc = nowcast_lawless(tri)
    recent = HISTORY - MAX_DELAY
    days = []
    for t in range(HISTORY):
        est = nc.estimate[0, t] if t >= recent else np.nan
        known = bool(np.isfinite(est))
        days.append(
            OnsetDay(
                start + timedelta(days=t),
                int(nc.reported[0, t]),
                float(est) if known else None,
                float(nc.lower[0, t]) if known else None,
                float(nc.upper[0, t]) if known else None,
            )
        )
    completed = np.where(np.isfinite(nc.estimate), nc.estimate, nc.reported)
    profile = profiles.get(disease)
    if profile is None or completed[0, -HORIZON:].sum() < MIN_RECENT_CASES:
        return Outlook(days, [], MAX_DELAY)
    si = profile.serial_interval
    if si.mean_days <= 1:
        return Outlook(days, [], MAX_DELAY)
    # R is drawn from the headline Rt's window (trends.headline), so that the forecast,
    # the dashboard's Rt and the care page's bed projection are one set of numbers.
    head = headline_rt(session, actor, code, disease, end, profiles)
    gamma = (head.shape, head.scale) if head.shape and head.scale else None
    simulated = forecast_cases(
        completed, si_mean=si.mean_days, si_sd=si.sd_days, horizon=HORIZON, r_gamma=gamma
    )
    bands = simulated.bands()
    ahead = [
        ForecastDay(
            end + timedelta(days=h + 1),
            *(
                float(bands[k][0, h])
                for k in ("median", "lower50", "upper50", "lower90", "upper90")
            ),
        )
        for h in range(HORIZON)
    ]
    return Outlook(days, ahead, MAX_DELAY, simulated)
