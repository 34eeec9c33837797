"""The situation report's figures as JSON: what the API gives and the documents print."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


class Place(BaseModel):
    code: str
    name_en: str
    name_zh: str
    level: str


class ChildCases(BaseModel):
    place: Place
    new: int  # counted cases reported on the report date
    cumulative: int  # counted cases reported up to and including it
    incidence_per_100k: float | None  # cumulative per 100,000 residents


class EpicurveDay(BaseModel):
    date: date
    reported: int  # counted cases by onset date, as reported by the report date
    nowcast: float | None  # the nowcast's estimate where the day is still being reported


class RtFigure(BaseModel):
    window_start: date
    window_end: date
    mean: float
    lower: float
    upper: float
    incomplete_days: int  # the last days left out: still being reported by onset
    nowcast_corrected: bool
    cases_in_window: int  # counted cases by onset in the window


class GrowthFigure(BaseModel):
    window_days: int
    cases_in_window: int
    growth_rate: float | None  # per day
    doubling_days: float | None
    halving: bool | None


class AlertFigures(BaseModel):
    opened: int
    closed: int


class CountyResponse(BaseModel):
    place: Place
    detect_met: int
    detect_total: int
    notify_met: int
    notify_total: int
    respond_met: int
    respond_total: int
    overdue_tasks: int


class FollowUp(BaseModel):
    under_follow_up: int
    not_contacted: int
    non_reporting: int
    symptomatic: int
    test_due: int


class ScreeningFigure(BaseModel):
    campaign_id: int
    name: str
    place: Place
    round_no: int
    pools: int
    resulted_pools: int
    sampled: int
    retests_open: int


class ZoneFigure(BaseModel):
    zone_id: int
    name: str
    level: str
    status: str  # "active" or "lifted"
    next_level: str | None  # the next step down; None: the next step lifts the zone
    earliest_step: date | None  # the first day the next step may be taken (zones rules)
    lifted_on: date | None


class BedFigure(BaseModel):
    kind: str  # "ward" or "icu" (the care page's bed groups)
    occupied: int
    capacity: int
    median_day_7: float | None
    median_day_14: float | None
    upper90_day_14: float | None
    runs_out: date | None


class Sitrep(BaseModel):
    """Every figure of one jurisdiction's report for one day."""

    place: Place
    report_date: date
    disease: str
    as_of: datetime  # the instant the time-dependent figures were read at
    new_cases: int
    cumulative_cases: int
    children: list[ChildCases]
    epicurve: list[EpicurveDay]
    rt: RtFigure | None
    growth: GrowthFigure
    alerts: AlertFigures
    responses_from: date
    responses: list[CountyResponse]
    counties_without_responses: int
    follow_up: FollowUp
    screening: list[ScreeningFigure]
    zones: list[ZoneFigure]
    beds: list[BedFigure]


class ArchivedReport(BaseModel):
    id: int
    jurisdiction_code: str
    report_date: date
    language: str
    format: str
    version: int
    generated_at: datetime
    size_bytes: int
