"""API shapes for campaigns, sites, pools and pool results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from fireline.bounds import INT64_MAX, Count, Day, Id, Instant, Int64, Whole
from fireline.testing.schemas import PersonRef


class CampaignCreate(BaseModel):
    """A campaign; ``pool_size`` by hand, else the optimum for ``prevalence`` (capped by the
    disease profile's ``testing.max_pool_size``)."""

    name: str = Field(min_length=1, max_length=200)
    disease: str
    jurisdiction_code: str
    target_kind: Literal["jurisdiction", "zone", "list"] = "jurisdiction"
    zone_id: Id | None = None
    population: Whole = Field(default=0, ge=0, le=INT64_MAX)
    design: Literal["dorfman", "matrix"] = "dorfman"
    prevalence: float | None = Field(default=None, ge=0, le=1)
    pool_size: Whole | None = Field(default=None, ge=1, le=INT64_MAX)
    hold_days: Whole = Field(default=3, ge=1, le=30)
    starts_on: Day


class CampaignRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    name: str
    disease: str
    target_kind: str
    zone_id: Id | None
    population: Int64
    design: str
    pool_size: Int64
    prevalence: float | None
    chosen_by: str
    round_no: Int64
    hold_days: Int64
    status: str
    starts_on: date
    jurisdiction_id: Id
    version: Count


class SiteCreate(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    capacity_per_hour: Whole = Field(default=0, ge=0, le=INT64_MAX)
    jurisdiction_code: str | None = None


class SiteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    campaign_id: Id
    code: str
    name: str
    capacity_per_hour: Int64
    jurisdiction_id: Id


class MemberIn(BaseModel):
    """A member's sample: a barcode on file, or a new one with its person."""

    barcode: str = Field(min_length=1, max_length=64)
    person_id: Id | None = None
    person: PersonRef | None = None


class PoolCreate(BaseModel):
    barcode: str = Field(min_length=1, max_length=64)
    site_code: str
    members: list[MemberIn] = Field(min_length=1)
    collected_at: Instant | None = None
    sample_type: str = "oropharyngeal_swab"


class PlateCreate(BaseModel):
    """A matrix plate: ``members`` fill the rows x cols grid row by row; the row and column
    tubes are ``{plate}-R1``... and ``{plate}-C1``..."""

    plate: str = Field(min_length=1, max_length=48)
    site_code: str
    members: list[MemberIn] = Field(min_length=1)
    collected_at: Instant | None = None
    sample_type: str = "oropharyngeal_swab"


class PoolRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    barcode: str
    campaign_id: Id
    site_id: Id
    round_no: Int64
    axis: str
    plate: str | None
    line: Int64 | None
    size: Int64
    collected_at: datetime


class PoolResultIn(BaseModel):
    barcode: str = Field(min_length=1, max_length=64)
    outcome: str
    ct_value: float | None = None
    resulted_at: Instant
    external_id: str | None = Field(default=None, max_length=200)


class PoolResultsIn(BaseModel):
    batch: str = Field(min_length=1, max_length=200)
    results: list[PoolResultIn] = Field(min_length=1)


class PoolReportRead(BaseModel):
    rows: Int64
    stored: Int64
    unchanged: Int64
    positive_pools: Int64
    candidates: Int64
    holds: Int64
    retests: Int64


class RetestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    campaign_id: Id
    round_no: Int64
    pool_id: Id
    person_id: Id
    sample_id: Id
    hold_order_id: Id | None
    status: str
    result_id: Id | None


class SiteFigures(BaseModel):
    site: str
    pools: Int64
    sampled: Int64
    resulted_pools: Int64
    positive_pools: Int64


class HourFigures(BaseModel):
    hour: str
    pools: Int64
    sampled: Int64


class RoundClose(BaseModel):
    """Close the campaign's current round: the version read (a stale one is 409)."""

    version: Count


class RoundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    campaign_id: Id
    round_no: Int64
    result: str
    tested: Int64
    first_day: date
    last_day: date
    zone_round_id: Id | None
    closed_at: datetime


class RoundProgress(BaseModel):
    """The current round: what is resulted, what still blocks its close. For a zone
    campaign, how many of the zone's residents (today's list) were sampled in it."""

    round_no: Int64
    pools: Int64
    resulted_pools: Int64
    retests_open: Int64
    sampled: Int64
    zone_residents: Int64 | None
    residents_sampled: Int64 | None
    ready: StrictBool


class Dashboard(BaseModel):
    campaign: CampaignRead
    population: Int64
    sampled: Int64
    pools: Int64
    resulted_pools: Int64
    positive_pools: Int64
    retests: Int64
    retests_open: Int64
    positives: Int64
    tests_used: Int64
    tests_saved: Int64
    expected_tests_per_person: float
    by_site: list[SiteFigures]
    by_hour: list[HourFigures]
    round: RoundProgress
    rounds: list[RoundRead]
    as_of: datetime | None = Field(
        default=None,
        description="When these figures were computed, for a campaign too large to count "
        "live (refreshed every few minutes); null when counted for this request.",
    )
