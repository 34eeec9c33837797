"""API shapes for campaigns, sites, pools and pool results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fireline.testing.schemas import PersonRef


class CampaignCreate(BaseModel):
    """A campaign; ``pool_size`` by hand, else the optimum for ``prevalence`` (capped by the
    disease profile's ``testing.max_pool_size``)."""

    name: str = Field(min_length=1, max_length=200)
    disease: str
    jurisdiction_code: str
    target_kind: Literal["jurisdiction", "zone", "list"] = "jurisdiction"
    zone_id: int | None = None
    population: int = Field(default=0, ge=0)
    design: Literal["dorfman", "matrix"] = "dorfman"
    prevalence: float | None = Field(default=None, ge=0, le=1)
    pool_size: int | None = Field(default=None, ge=1)
    hold_days: int = Field(default=3, ge=1, le=30)
    starts_on: date


class CampaignRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    disease: str
    target_kind: str
    zone_id: int | None
    population: int
    design: str
    pool_size: int
    prevalence: float | None
    chosen_by: str
    round_no: int
    hold_days: int
    status: str
    starts_on: date
    jurisdiction_id: int
    version: int


class SiteCreate(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    capacity_per_hour: int = Field(default=0, ge=0)
    jurisdiction_code: str | None = None


class SiteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    campaign_id: int
    code: str
    name: str
    capacity_per_hour: int
    jurisdiction_id: int


class MemberIn(BaseModel):
    """A member's sample: a barcode on file, or a new one with its person."""

    barcode: str = Field(min_length=1, max_length=64)
    person_id: int | None = None
    person: PersonRef | None = None


class PoolCreate(BaseModel):
    barcode: str = Field(min_length=1, max_length=64)
    site_code: str
    members: list[MemberIn] = Field(min_length=1)
    collected_at: datetime | None = None
    sample_type: str = "oropharyngeal_swab"


class PlateCreate(BaseModel):
    """A matrix plate: ``members`` fill the rows x cols grid row by row; the row and column
    tubes are ``{plate}-R1``... and ``{plate}-C1``..."""

    plate: str = Field(min_length=1, max_length=48)
    site_code: str
    members: list[MemberIn] = Field(min_length=1)
    collected_at: datetime | None = None
    sample_type: str = "oropharyngeal_swab"


class PoolRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    barcode: str
    campaign_id: int
    site_id: int
    round_no: int
    axis: str
    plate: str | None
    line: int | None
    size: int
    collected_at: datetime


class PoolResultIn(BaseModel):
    barcode: str = Field(min_length=1, max_length=64)
    outcome: str
    ct_value: float | None = None
    resulted_at: datetime
    external_id: str | None = Field(default=None, max_length=200)


class PoolResultsIn(BaseModel):
    batch: str = Field(min_length=1, max_length=200)
    results: list[PoolResultIn] = Field(min_length=1)


class PoolReportRead(BaseModel):
    rows: int
    stored: int
    unchanged: int
    positive_pools: int
    candidates: int
    holds: int
    retests: int


class RetestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    campaign_id: int
    round_no: int
    pool_id: int
    person_id: int
    sample_id: int
    hold_order_id: int | None
    status: str
    result_id: int | None


class SiteFigures(BaseModel):
    site: str
    pools: int
    sampled: int
    resulted_pools: int
    positive_pools: int


class HourFigures(BaseModel):
    hour: str
    pools: int
    sampled: int


class RoundClose(BaseModel):
    """Close the campaign's current round: the version read (a stale one is 409)."""

    version: int


class RoundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    campaign_id: int
    round_no: int
    result: str
    tested: int
    first_day: date
    last_day: date
    zone_round_id: int | None
    closed_at: datetime


class RoundProgress(BaseModel):
    """The current round: what is resulted, what still blocks its close. For a zone
    campaign, how many of the zone's residents (today's list) were sampled in it."""

    round_no: int
    pools: int
    resulted_pools: int
    retests_open: int
    sampled: int
    zone_residents: int | None
    residents_sampled: int | None
    ready: bool


class Dashboard(BaseModel):
    campaign: CampaignRead
    population: int
    sampled: int
    pools: int
    resulted_pools: int
    positive_pools: int
    retests: int
    retests_open: int
    positives: int
    tests_used: int
    tests_saved: int
    expected_tests_per_person: float
    by_site: list[SiteFigures]
    by_hour: list[HourFigures]
    round: RoundProgress
    rounds: list[RoundRead]
