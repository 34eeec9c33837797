"""The headline Rt: the one figure every page, export and route shows as "Rt now".

One definition, :func:`headline_rt` (a jurisdiction) and :func:`headline_rt_by_child`
(every child of one, set-based), both through :func:`_pick`:

* EpiEstim over 7-day windows of cases by onset (Cori et al. 2013, Am J Epidemiol
  178:1505), read over the last ``HEADLINE_DAYS`` days to the jurisdiction's today;
* on reported counts, the last **complete** window: one ending before the days whose
  onsets are still being reported (the 90th percentile of the onset-to-report delay,
  the span the dashboard chart shades), since Rt there is biased downwards (Gostic
  et al. 2020, PLoS Comput Biol 16:e1008409);
* on nowcast-corrected counts (``rt=nowcast``), the last window, whose missing cases
  the nowcast adds;
* suppressed below ``MIN_CASES`` local cases in the window: EpiEstim's advice to keep
  windows whose posterior coefficient of variation is under 0.3 (Cori et al. 2013;
  ``estimate_R``'s ``CV_posterior = 0.3``; with the default prior this needs about 12
  cases, the minimum cumulative incidence estimateR uses), so a county with one case
  shows no Rt rather than 1.60 (0.19-4.47).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from fireline.analytics.rt import estimate_rt_many
from fireline.auth.scope import Actor
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import NotFound
from fireline.places.models import Jurisdiction
from fireline.surveillance.counts.models import CaseDailyCount as Daily
from fireline.surveillance.trends.service import COUNTED, daily_counts, delays

if TYPE_CHECKING:
    from fireline.surveillance.trends.outlook import Outlook

HEADLINE_DAYS = 56  # onset days read; a 7-day window this far back no longer feels the start
MIN_CASES = 12  # local cases in the window before Rt is shown (see the module docstring)
WINDOW = 7

Basis = Literal["complete", "nowcast"]


class HeadlineRt(BaseModel):
    """Rt of one window, or why none is shown (``suppressed`` or no window at all)."""

    basis: Basis
    date_start: date | None
    date_end: date | None
    mean: float | None
    lower: float | None  # 95% credible interval
    upper: float | None
    cases: int  # local cases by onset in the window (nowcast: with the unreported ones)
    min_cases: int = MIN_CASES
    suppressed: bool
    # First onset day still being reported (complete basis); None: no delay data.
    incomplete_from: date | None
    # The window's gamma posterior (EpiEstim), which the case forecast draws R from.
    shape: float | None = Field(default=None, exclude=True)
    scale: float | None = Field(default=None, exclude=True)


def unreported(outlook: Outlook | None) -> dict[date, float]:
    """Cases by onset day not yet reported, by the nowcast (estimate minus reported):
    what :func:`headline_rt` and :func:`fireline.surveillance.trends.service.rt` add for
    Rt on the nowcast."""
    if outlook is None:
        return {}
    return {d.day: max(d.nowcast - d.reported, 0.0) for d in outlook.days if d.nowcast is not None}


def incomplete_cut(end: date, p90: float | None) -> date | None:
    """First onset day still incomplete: the last ceil(p90 delay) days, at least one."""
    if p90 is None:
        return None
    return end - timedelta(days=max(1, math.ceil(p90)) - 1)


def _pick(
    local: np.ndarray[Any, Any],
    imported: np.ndarray[Any, Any],
    start: date,
    cuts: list[date | None],
    si: tuple[float, float],
    basis: Basis,
) -> list[HeadlineRt]:
    """The headline of each row of (series, days) counts from ``start``; ``cuts`` is each
    row's first incomplete day (ignored on the nowcast basis)."""
    days = local.shape[1]
    res = estimate_rt_many(local, imported, si_mean=si[0], si_sd=si[1], window=WINDOW)
    out = []
    for row, cut in enumerate(cuts):
        last = days if basis == "nowcast" or cut is None else (cut - start).days
        i = int(np.searchsorted(res.t_end, last, side="right")) - 1
        if i < 0:
            out.append(_empty(basis, cut))
            continue
        ts, te = int(res.t_start[i]), int(res.t_end[i])
        cases = round(float(local[row, ts - 1 : te].sum()))
        shown = cases >= MIN_CASES
        out.append(
            HeadlineRt(
                basis=basis,
                date_start=start + timedelta(days=ts - 1),
                date_end=start + timedelta(days=te - 1),
                mean=float(res.mean[row, i]) if shown else None,
                lower=float(res.quantiles[0][row, i]) if shown else None,
                upper=float(res.quantiles[6][row, i]) if shown else None,
                cases=cases,
                suppressed=not shown,
                incomplete_from=cut if basis == "complete" else None,
                shape=float(res.a_posterior[row, i]) if res.a_posterior is not None else None,
                scale=float(res.b_posterior[row, i]) if res.b_posterior is not None else None,
            )
        )
    return out


def _empty(basis: Basis, cut: date | None) -> HeadlineRt:
    return HeadlineRt(
        basis=basis,
        date_start=None,
        date_end=None,
        mean=None,
        lower=None,
        upper=None,
        cases=0,
        suppressed=True,
        incomplete_from=cut if basis == "complete" else None,
    )


def _serial_interval(profiles: Mapping[str, DiseaseProfile], disease: str) -> tuple[float, float]:
    profile = profiles.get(disease)
    if profile is None:
        raise NotFound(f"disease profile {disease}")
    return profile.serial_interval.mean_days, profile.serial_interval.sd_days


def headline_rt(
    session: Session,
    actor: Actor,
    code: str,
    disease: str,
    end: date,
    profiles: Mapping[str, DiseaseProfile],
    *,
    nowcast: Outlook | None = None,
) -> HeadlineRt:
    """The headline Rt of ``code`` on ``end`` (its today): the last complete window on
    reported counts, or with ``nowcast`` (the dashboard's outlook) the last window on
    nowcast-corrected counts."""
    si = _serial_interval(profiles, disease)
    start = end - timedelta(days=HEADLINE_DAYS - 1)
    local, imported = daily_counts(session, actor, code, disease, start, end, by_onset=True)
    missing = unreported(nowcast) if nowcast is not None else {}
    if missing:
        for day, extra in missing.items():
            if start <= day <= end:
                local[(day - start).days] += extra
        return _pick(local[None], imported[None], start, [None], si, "nowcast")[0]
    cut = incomplete_cut(end, delays(session, actor, code, disease, start, end).p90)
    return _pick(local[None], imported[None], start, [cut], si, "complete")[0]


def _children_paths(session: Session, actor: Actor) -> Any:
    """(place_id, child_id) for every place under each child of the actor's jurisdiction
    (the children of a place in scope are in scope: no further filter)."""
    child, under = aliased(Jurisdiction), aliased(Jurisdiction)
    return (
        select(under.id.label("place_id"), child.id.label("child_id"))
        .join(under, (under.path >= child.path) & (under.path < child.path + "~"))
        .where(child.parent_id == actor.jurisdiction_id)
        .subquery()
    )


def daily_counts_by_child(
    session: Session, actor: Actor, disease: str, start: date, end: date, *, by_onset: bool
) -> dict[int, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    """:func:`daily_counts` for each child of the actor's jurisdiction that has any
    case, by child id: one grouped query."""
    places = _children_paths(session, actor)
    day = Daily.day_onset if by_onset else Daily.date_reporting
    rows = session.execute(
        select(places.c.child_id, day, Daily.imported, func.sum(Daily.case_count))
        .join(places, places.c.place_id == Daily.jurisdiction_id)
        .where(Daily.disease == disease, Daily.classification.in_(COUNTED))
        .where(day.between(start, end))
        .group_by(places.c.child_id, day, Daily.imported)
    ).all()
    n = (end - start).days + 1
    out: dict[int, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = {}
    for child, when, was_imported, count in rows:
        local, imported = out.setdefault(int(child), (np.zeros(n), np.zeros(n)))
        (imported if was_imported else local)[(when - start).days] += count
    return out


def delay_p90_by_child(
    session: Session, actor: Actor, disease: str, start: date, end: date
) -> dict[int, float]:
    """The 90th percentile onset-to-report delay per child (as :func:`delays`), one query."""
    places = _children_paths(session, actor)
    rows = session.execute(
        select(places.c.child_id, Daily.day_onset, Daily.date_reporting, func.sum(Daily.case_count))
        .join(places, places.c.place_id == Daily.jurisdiction_id)
        .where(Daily.disease == disease, Daily.classification.in_(COUNTED))
        .where(Daily.onset_known, Daily.date_reporting.between(start, end))
        .group_by(places.c.child_id, Daily.day_onset, Daily.date_reporting)
    ).all()
    lags: dict[int, list[tuple[int, int]]] = {}
    for child, onset, report, count in rows:
        lags.setdefault(int(child), []).append(((report - onset).days, int(count)))
    return {
        child: float(np.quantile(np.repeat(*map(np.array, zip(*pairs, strict=True))), 0.9))
        for child, pairs in lags.items()
    }


def headline_rt_by_child(
    session: Session,
    actor: Actor,
    disease: str,
    end: date,
    profiles: Mapping[str, DiseaseProfile],
) -> dict[int, HeadlineRt]:
    """The headline Rt (complete basis) of every child of the actor's jurisdiction, by
    child id: two grouped queries and one vectorised EpiEstim run, the numbers of
    :func:`headline_rt` for each child."""
    si = _serial_interval(profiles, disease)
    start = end - timedelta(days=HEADLINE_DAYS - 1)
    counts = daily_counts_by_child(session, actor, disease, start, end, by_onset=True)
    if not counts:
        return {}
    p90 = delay_p90_by_child(session, actor, disease, start, end)
    ids = sorted(counts)
    local = np.stack([counts[i][0] for i in ids])
    imported = np.stack([counts[i][1] for i in ids])
    cuts = [incomplete_cut(end, p90.get(i)) for i in ids]
    return dict(zip(ids, _pick(local, imported, start, cuts, si, "complete"), strict=True))
