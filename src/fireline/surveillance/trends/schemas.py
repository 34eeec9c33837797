"""API shapes for trends: tidy rows, ready for Vega-Lite, R or pandas."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from fireline.bounds import Int64


class EpicurveRow(BaseModel):
    date: date
    classification: str
    cases: Int64


class WeekRow(BaseModel):
    week: str
    week_start: date
    week_end: date
    cases: Int64


class RtRow(BaseModel):
    """One EpiEstim window, labelled by the calendar dates of its start and end."""

    date_start: date
    date_end: date
    mean: float
    std: float
    lower: float
    median: float
    upper: float


class RtRead(BaseModel):
    disease: str
    si_mean: float
    si_sd: float
    dated_by: str
    windows: list[RtRow]
    # Onset days whose counts were corrected by the nowcast before estimating (0: none).
    nowcast_days: Int64 = 0


class GrowthRead(BaseModel):
    disease: str
    window_days: Int64
    end: date
    growth_rate: float | None
    growth_low: float | None
    growth_high: float | None
    doubling_days: float | None
    doubling_low: float | None
    doubling_high: float | None
    halving: bool | None
    cases_in_window: Int64


class DelayRow(BaseModel):
    delay_days: Int64
    cases: Int64


class DelayRead(BaseModel):
    disease: str
    cases: Int64
    mean: float | None
    median: float | None
    p90: float | None
    distribution: list[DelayRow]
