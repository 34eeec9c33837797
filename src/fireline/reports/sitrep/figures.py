"""The report's surveillance figures, each taken from the service the pages use.

Nothing here recomputes a figure a page shows: new and cumulative cases by child are
:func:`fireline.surveillance.trends.service.cases_by_child` (the dashboard's table),
the onset curve and its nowcast are :func:`fireline.surveillance.trends.outlook.outlook`
(the dashboard's outlook chart), Rt is :func:`fireline.surveillance.trends.service.rt`
and growth :func:`fireline.surveillance.trends.service.growth` (its headline figures).
The operational figures are in :mod:`fireline.reports.sitrep.operations`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.errors import Problem
from fireline.places.models import Jurisdiction
from fireline.reports.sitrep import operations
from fireline.reports.sitrep.schemas import (
    ChildCases,
    EpicurveDay,
    GrowthFigure,
    Place,
    RtFigure,
    Sitrep,
)
from fireline.surveillance.trends import service as trends
from fireline.surveillance.trends.headline import headline_rt
from fireline.surveillance.trends.outlook import Outlook, outlook
from fireline.surveillance.trends.schemas import EpicurveRow, RtRead

COUNTED = trends.COUNTED
EPICURVE_DAYS = 28  # four weeks: the span a daily meeting looks back on
RT_DAYS = 56  # eight weeks of onsets: enough windows for the chart around the headline
GROWTH_WINDOW = 14  # the dashboard's growth window
# Cori et al. 2013 (Am J Epidemiol 178:1505, web appendix 1): a 7-day window needs
# about 12 cases for the posterior coefficient of variation of Rt to fall to 0.3.
FIRST_DAY = date(1900, 1, 1)  # the earliest date the application accepts (bounds.py)


@dataclass(frozen=True)
class Gathered:
    """The figures, and what the charts are drawn from (the pages' own objects)."""

    sitrep: Sitrep
    outlook: Outlook | None
    reported: list[EpicurveRow]  # by report date, for the chart when there is no outlook
    rt: RtRead | None
    rt_shade_from: date | None
    wards: list[operations.WardChart]


def place_of(j: Jurisdiction) -> Place:
    return Place(code=j.code, name_en=j.name_en, name_zh=j.name_zh, level=j.level)


def as_of(context: Context, place: Jurisdiction, day: date) -> datetime:
    """The end of ``day`` in the place's time zone, or now if that is still ahead: the
    instant every time-dependent figure (overdue tasks, non-reporting) is read at."""
    end = datetime.combine(day + timedelta(days=1), time(), ZoneInfo(place.timezone))
    return min(context.now(), end.astimezone(UTC))


def _children(session: Session, context: Context, disease: str, day: date) -> list[ChildCases]:
    actor = context.actor
    new = trends.cases_by_child(session, actor, COUNTED, disease=disease, reported=(day, day))
    total = trends.cases_by_child(
        session, actor, COUNTED, disease=disease, reported=(FIRST_DAY, day)
    )
    fresh = {j.id: n for j, n in new}
    return [
        ChildCases(
            place=place_of(j),
            new=fresh.get(j.id, 0),
            cumulative=n,
            incidence_per_100k=round(n * 100_000 / j.population, 1) if j.population else None,
        )
        for j, n in total
    ]


def _totals(
    session: Session, context: Context, code: str, disease: str, day: date
) -> tuple[int, int]:
    """Counted cases of ``disease`` reported on ``day``, and up to it."""
    actor = context.actor
    local, imported = trends.daily_counts(
        session, actor, code, disease, FIRST_DAY, day, by_onset=False
    )
    return int(local[-1] + imported[-1]), int(local.sum() + imported.sum())


def _epicurve(ahead: Outlook | None, day: date) -> list[EpicurveDay]:
    if ahead is None:
        return []
    first = day - timedelta(days=EPICURVE_DAYS - 1)
    return [
        EpicurveDay(date=d.day, reported=d.reported, nowcast=d.nowcast)
        for d in ahead.days
        if d.day >= first
    ]


def _rt(
    session: Session, context: Context, code: str, disease: str, day: date
) -> tuple[RtRead | None, RtFigure | None, date]:
    """The headline Rt, as the dashboard, the care page and the matrix show it (one
    definition: ``trends.headline.headline_rt``, the last complete 7-day window, none
    below its minimum count), with the windows the chart draws around it."""
    start = day - timedelta(days=RT_DAYS - 1)
    try:
        read = trends.rt(session, context.actor, code, disease, start, day, context.profiles)
        found = headline_rt(session, context.actor, code, disease, day, context.profiles)
    except Problem:  # no profile for the disease
        return None, None, day
    shade_from = found.incomplete_from or day
    if found.suppressed or found.mean is None or found.lower is None or found.upper is None:
        return read, None, shade_from
    assert found.date_start is not None and found.date_end is not None
    figure = RtFigure(
        window_start=found.date_start,
        window_end=found.date_end,
        mean=round(found.mean, 2),
        lower=round(found.lower, 2),
        upper=round(found.upper, 2),
        incomplete_days=(day - shade_from).days + 1,
        nowcast_corrected=False,
        cases_in_window=found.cases,
    )
    return read, figure, shade_from


def _growth(session: Session, context: Context, code: str, disease: str, day: date) -> GrowthFigure:
    found = trends.growth(session, context.actor, code, disease, day, GROWTH_WINDOW)
    return GrowthFigure(
        window_days=found.window_days,
        cases_in_window=found.cases_in_window,
        growth_rate=round(found.growth_rate, 3) if found.growth_rate is not None else None,
        doubling_days=round(found.doubling_days, 1) if found.doubling_days is not None else None,
        halving=found.halving,
    )


def gather(session: Session, context: Context, code: str, day: date, disease: str) -> Gathered:
    """Every figure of the report of ``code`` (in the context's scope, else 404) for
    ``day``, read as at the end of that day in the place's time zone."""
    context.actor.require("records:read")
    place = context.actor.jurisdiction(session, code)
    instant = as_of(context, place, day)
    here = replace(context.within(place), clock=FrozenClock(instant))
    new, cumulative = _totals(session, here, code, disease, day)
    ahead = outlook(session, here.actor, code, disease, day, here.profiles)
    rt_read, rt_figure, shade_from = _rt(session, here, code, disease, day)
    ops = operations.gather(session, here, place, day, disease)
    sitrep = Sitrep(
        place=place_of(place),
        report_date=day,
        disease=disease,
        as_of=instant,
        new_cases=new,
        cumulative_cases=cumulative,
        children=_children(session, here, disease, day),
        epicurve=_epicurve(ahead, day),
        rt=rt_figure,
        growth=_growth(session, here, code, disease, day),
        **ops.figures,
    )
    start = day - timedelta(days=EPICURVE_DAYS - 1)
    reported = [] if ahead else trends.epicurve(session, here.actor, code, disease, start, day)
    return Gathered(sitrep, ahead, reported, rt_read, shade_from, ops.wards)
