"""Trends of one jurisdiction subtree: one grouped query each, then fireline.analytics.

Cases that count are confirmed and probable ones (suspected and discarded
reports are shown on the epicurve only). Rt is computed on the onset date where
known and the report date otherwise; the last days are incomplete by onset
(reporting delay), which the dashboard says next to the chart.

Every query sums the daily counts the database keeps (``case_daily_counts``,
surveillance/counts), not the cases: a province's 90 days are a few thousand rows
however large the wave (issue #17).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from fireline.analytics import NotEnoughData, estimate_rt, growth_rate, weekly_counts
from fireline.auth.scope import Actor
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import NotFound, Problem
from fireline.jurisdictions.service import counts_by_child
from fireline.places.models import Jurisdiction
from fireline.surveillance.counts.models import CaseDailyCount as Daily
from fireline.surveillance.trends.schemas import (
    DelayRead,
    DelayRow,
    EpicurveRow,
    GrowthRead,
    RtRead,
    RtRow,
    WeekRow,
)

COUNTED = ("confirmed", "probable")


def _in_subtree(session: Session, actor: Actor, code: str, disease: str) -> list[Any]:
    """Counts of ``disease`` in the subtree of ``code`` (a place in the actor's scope)."""
    place = actor.within(actor.jurisdiction(session, code))
    return [place.covers(Daily.jurisdiction_id), Daily.disease == disease]


def _total() -> Any:
    """The number of cases a grouped row stands for."""
    return func.sum(Daily.case_count)


def epicurve(
    session: Session, actor: Actor, code: str, disease: str, start: date, end: date
) -> list[EpicurveRow]:
    """Cases per report date and classification (tidy rows, zero days left out)."""
    rows = session.execute(
        select(Daily.date_reporting, Daily.classification, _total())
        .where(*_in_subtree(session, actor, code, disease))
        .where(Daily.date_reporting.between(start, end))
        .group_by(Daily.date_reporting, Daily.classification)
        .order_by(Daily.date_reporting, Daily.classification)
    ).all()
    return [EpicurveRow(date=d, classification=c, cases=int(n)) for d, c, n in rows]


def daily_counts(
    session: Session,
    actor: Actor,
    code: str,
    disease: str,
    start: date,
    end: date,
    *,
    by_onset: bool,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Local and imported counted cases for every day from ``start`` to ``end`` (by
    onset: the onset date where known, else the report date)."""
    day = Daily.day_onset if by_onset else Daily.date_reporting
    rows = session.execute(
        select(day, Daily.imported, _total())
        .where(*_in_subtree(session, actor, code, disease))
        .where(Daily.classification.in_(COUNTED), day.between(start, end))
        .group_by(day, Daily.imported)
    ).all()
    n = (end - start).days + 1
    local, imported = np.zeros(n), np.zeros(n)
    for when, was_imported, count in rows:
        (imported if was_imported else local)[(when - start).days] += count
    return local, imported


def weekly(
    session: Session,
    actor: Actor,
    code: str,
    disease: str,
    start: date,
    end: date,
    system: str,
) -> list[WeekRow]:
    """Counted cases per epidemiological week of report (ISO or CDC/MMWR)."""
    local, imported = daily_counts(session, actor, code, disease, start, end, by_onset=False)
    days = np.datetime64(start) + np.arange(local.size)
    dates = np.repeat(days, (local + imported).astype(np.int64))
    # epiweeks calls the CDC/MMWR system "cdc".
    table = weekly_counts(dates, "cdc" if system == "mmwr" else "iso")
    return [
        WeekRow(week=w, week_start=s, week_end=e, cases=c)
        for w, s, e, c in zip(
            table["week"], table["week_start"], table["week_end"], table["count"], strict=True
        )
    ]


def rt(
    session: Session,
    actor: Actor,
    code: str,
    disease: str,
    start: date,
    end: date,
    profiles: Mapping[str, DiseaseProfile],
    unreported: Mapping[date, float] | None = None,
) -> RtRead:
    """EpiEstim Rt over 7-day windows with the serial interval of the deployment's
    profile of ``disease``.

    ``unreported``: cases by onset day not yet reported (the nowcast's estimate minus
    the reported count, :func:`fireline.surveillance.trends.outlook.unreported`), added
    to the local counts before estimating: Rt on nowcast-corrected incidence, the
    practice of Gostic et al. 2020 (PLoS Comput Biol 16:e1008409, "adjust for delays
    before estimating Rt") and of EpiNow2. They are counted as local, since the origin
    of a case not yet reported is unknown.
    """
    profile = profiles.get(disease)
    if profile is None:
        raise NotFound(f"disease profile {disease}")
    si = profile.serial_interval
    local, imported = daily_counts(session, actor, code, disease, start, end, by_onset=True)
    if local.size < 8:
        raise Problem(422, "Rt needs at least 8 days of data")
    for day, extra in (unreported or {}).items():
        if start <= day <= end:
            local[(day - start).days] += extra
    result = estimate_rt(local, imported, si_mean=si.mean_days, si_sd=si.sd_days)
    rows = [
        RtRow(
            date_start=start + timedelta(days=int(ts) - 1),
            date_end=start + timedelta(days=int(te) - 1),
            mean=float(result.mean[i]),
            std=float(result.std[i]),
            lower=float(result.quantiles[0][i]),
            median=float(result.quantiles[3][i]),
            upper=float(result.quantiles[6][i]),
        )
        for i, (ts, te) in enumerate(zip(result.t_start, result.t_end, strict=True))
        if local[int(ts) - 1 : int(te)].sum() > 0
    ]
    return RtRead(
        disease=disease,
        si_mean=si.mean_days,
        si_sd=si.sd_days,
        dated_by="onset",
        windows=rows,
        nowcast_days=sum(1 for day in unreported or {} if start <= day <= end),
    )


def growth(
    session: Session, actor: Actor, code: str, disease: str, end: date, window: int = 14
) -> GrowthRead:
    """Growth rate and doubling time over the last ``window`` days of report."""
    start = end - timedelta(days=window - 1)
    local, imported = daily_counts(session, actor, code, disease, start, end, by_onset=False)
    return growth_of(local + imported, disease, end, window)


def growth_of(
    counts: np.ndarray[Any, Any], disease: str, end: date, window: int = 14
) -> GrowthRead:
    """Growth rate and doubling time of ``window`` daily counts by report ending on
    ``end`` (the dashboard's figure; the county matrix runs it on each child's series)."""
    empty = GrowthRead(
        disease=disease,
        window_days=window,
        end=end,
        growth_rate=None,
        growth_low=None,
        growth_high=None,
        doubling_days=None,
        doubling_low=None,
        doubling_high=None,
        halving=None,
        cases_in_window=int(counts.sum()),
    )
    if counts.sum() == 0:
        return empty
    try:
        fit = growth_rate(counts, window=window)
    except NotEnoughData:  # e.g. every case on the last day: no rate is measurable
        return empty
    finite = {
        k: (v if np.isfinite(v) else None)
        for k, v in {
            "doubling_days": fit.doubling_time,
            "doubling_low": fit.doubling_low,
            "doubling_high": fit.doubling_high,
        }.items()
    }
    return empty.model_copy(
        update={
            "growth_rate": fit.r,
            "growth_low": fit.r_low,
            "growth_high": fit.r_high,
            "halving": fit.halving,
            **finite,
        }
    )


def delays(
    session: Session, actor: Actor, code: str, disease: str, start: date, end: date
) -> DelayRead:
    """Onset-to-report delay of counted cases reported from ``start`` to ``end``."""
    rows = session.execute(
        select(Daily.day_onset, Daily.date_reporting, _total())
        .where(*_in_subtree(session, actor, code, disease))
        .where(Daily.classification.in_(COUNTED), Daily.onset_known)
        .where(Daily.date_reporting.between(start, end))
        .group_by(Daily.day_onset, Daily.date_reporting)
    ).all()
    lags = np.array([(r - o).days for o, r, _ in rows], dtype=np.int64)
    weights = np.array([n for _, _, n in rows], dtype=np.int64)
    if weights.sum() == 0:
        return DelayRead(
            disease=disease, cases=0, mean=None, median=None, p90=None, distribution=[]
        )
    values = np.repeat(lags, weights)
    per_day = np.bincount(values - values.min())
    distribution = [
        DelayRow(delay_days=int(values.min()) + i, cases=int(n)) for i, n in enumerate(per_day)
    ]
    return DelayRead(
        disease=disease,
        cases=int(values.size),
        mean=float(values.mean()),
        median=float(np.median(values)),
        p90=float(np.quantile(values, 0.9)),
        distribution=distribution,
    )


def cases_by_child(
    session: Session,
    actor: Actor,
    classifications: tuple[str, ...],
    *,
    disease: str | None = None,
    reported: tuple[date, date] | None = None,
) -> list[tuple[Jurisdiction, int]]:
    """Each child of the actor's jurisdiction (narrow the actor to choose it) with the
    cases of ``classifications`` in the child's subtree, optionally of one ``disease``
    and reported between two dates (both included); one grouped query."""
    conditions: list[ColumnElement[bool]] = [Daily.classification.in_(classifications)]
    if disease is not None:
        conditions.append(Daily.disease == disease)
    if reported is not None:
        conditions.append(Daily.date_reporting.between(*reported))
    return counts_by_child(
        session, actor, actor.jurisdiction_id, Daily, *conditions, total=Daily.case_count
    )
