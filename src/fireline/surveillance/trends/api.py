"""JSON routes for trends of a jurisdiction subtree (tidy, for charts and analysts)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from fireline.auth.deps import ApiActor
from fireline.bounds import Day
from fireline.db.deps import DbSession
from fireline.errors import Problem
from fireline.pagination import Page, make_page
from fireline.surveillance.trends import service
from fireline.surveillance.trends.headline import HeadlineRt, headline_rt
from fireline.surveillance.trends.outlook import outlook
from fireline.surveillance.trends.schemas import (
    DelayRead,
    EpicurveRow,
    GrowthRead,
    RtRead,
    WeekRow,
)
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(tags=["trends"])

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366


class Period(BaseModel):
    disease: str
    start: date
    end: date


def period(
    code: str,
    context: ApiContext,
    session: DbSession,
    disease: Annotated[str, Query(description="Disease code, e.g. covid19")] = "covid19",
    start: Annotated[
        date | None, Query(description="First day (default: 89 days before end)")
    ] = None,
    end: Annotated[Day | None, Query(description="Last day (default: today there)")] = None,
) -> Period:
    """The period asked for; today is the jurisdiction's, by the app's clock."""
    last = end or context.today(context.actor.jurisdiction(session, code))
    first = start or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Problem(422, "start is after end")
    if (last - first).days >= MAX_DAYS:
        raise Problem(422, f"a period is at most {MAX_DAYS} days")
    return Period(disease=disease, start=first, end=last)


PeriodQuery = Annotated[Period, Depends(period)]


@router.get("/jurisdictions/{code}/epicurve", response_model=Page[EpicurveRow])
def read_epicurve(
    code: str, p: PeriodQuery, actor: ApiActor, session: DbSession, query: ApiListQuery
) -> Page[EpicurveRow]:
    """Cases per report date and classification, by date (days without cases left out);
    page through ``next_offset`` for a long period."""
    rows = service.epicurve(session, actor, code, p.disease, p.start, p.end)
    return make_page(rows[query.offset : query.offset + query.limit], len(rows), query)


@router.get("/jurisdictions/{code}/weekly", response_model=Page[WeekRow])
def read_weekly(
    code: str, p: PeriodQuery, context: ApiContext, session: DbSession, query: ApiListQuery
) -> Page[WeekRow]:
    """Confirmed and probable cases per epidemiological week (the deployment's week
    system), by week."""
    system = context.settings.week_system
    rows = service.weekly(session, context.actor, code, p.disease, p.start, p.end, system)
    return make_page(rows[query.offset : query.offset + query.limit], len(rows), query)


@router.get("/jurisdictions/{code}/rt", response_model=RtRead)
def read_rt(code: str, p: PeriodQuery, context: ApiContext, session: DbSession) -> RtRead:
    """Rt by the EpiEstim method (Cori et al. 2013) with the profile's serial interval."""
    return service.rt(session, context.actor, code, p.disease, p.start, p.end, context.profiles)


@router.get("/jurisdictions/{code}/rt/headline", response_model=HeadlineRt)
def read_headline_rt(
    code: str,
    context: ApiContext,
    session: DbSession,
    disease: Annotated[str, Query(description="Disease code, e.g. covid19")] = "covid19",
    end: Annotated[Day | None, Query(description="Today there (default: today)")] = None,
    rt: Annotated[str | None, Query(description="nowcast: on nowcast-corrected counts")] = None,
) -> HeadlineRt:
    """The headline Rt the pages show: the last complete 7-day window (or, with
    ``rt=nowcast``, the last window on nowcast-corrected counts); no value under
    ``min_cases`` cases in the window (docs/surveillance-pages.md)."""
    actor, profiles = context.actor, context.profiles
    last = end or context.today(actor.jurisdiction(session, code))
    ahead = outlook(session, actor, code, disease, last, profiles) if rt == "nowcast" else None
    return headline_rt(session, actor, code, disease, last, profiles, nowcast=ahead)


@router.get("/jurisdictions/{code}/growth", response_model=GrowthRead)
def read_growth(
    code: str,
    p: PeriodQuery,
    actor: ApiActor,
    session: DbSession,
    window: Annotated[int, Query(ge=5, le=56)] = 14,
) -> GrowthRead:
    """Growth rate per day and doubling time over the last ``window`` days before ``end``."""
    return service.growth(session, actor, code, p.disease, p.end, window)


@router.get("/jurisdictions/{code}/delays", response_model=DelayRead)
def read_delays(code: str, p: PeriodQuery, actor: ApiActor, session: DbSession) -> DelayRead:
    """Onset-to-report delay distribution of cases reported in the period."""
    return service.delays(session, actor, code, p.disease, p.start, p.end)
