"""API shapes of interviews, exposures, contacts, transmission links and clusters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fireline.bounds import Count, Day, Id, Instant, Int64
from fireline.tracing.codes import ExposureKind as ExposureKind
from fireline.tracing.codes import ExposureType as ExposureType
from fireline.tracing.codes import Setting as Setting

Certainty = Literal["confirmed", "probable", "possible"]


class InterviewUpdate(BaseModel):
    """Autosaved answers; ``version`` is the one read, a stale one gets 409."""

    version: Count
    date_onset: Day | None = None
    symptoms: list[str] | None = None
    date_isolation: Day | None = None
    notes: str | None = Field(default=None, max_length=10_000)
    status: Literal["open", "completed"] | None = None


class InterviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    case_id: Id
    status: str
    date_onset: date | None
    symptoms: list[str]
    date_isolation: date | None
    notes: str | None
    version: Count
    completed_at: datetime | None


class ExposureCreate(BaseModel):
    """One exposure row: a venue of the register or an address (or, for an event or a
    journey, a description), when, and how and where people were exposed."""

    kind: ExposureKind = "place"
    description: str | None = Field(default=None, max_length=300)
    venue_id: Id | None = None
    address: str | None = Field(default=None, max_length=500)
    starts_at: Instant
    ends_at: Instant | None = None  # a moment when not given: the start
    exposure_type: ExposureType | None = None
    setting: Setting | None = None

    @model_validator(mode="after")
    def _place_and_order(self) -> ExposureCreate:
        place = (self.address or "").strip() or (self.description or "").strip()
        if self.venue_id is None and not place:
            raise ValueError("give a venue, an address or a description")
        if self.ends_at is not None and self.ends_at < self.starts_at:
            raise ValueError("the exposure ends before it starts")
        return self


class ExposureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    case_id: Id
    kind: str
    description: str
    venue_id: Id | None
    address: str | None
    starts_at: datetime
    ends_at: datetime
    exposure_type: str | None
    setting: str | None


class NewPerson(BaseModel):
    """A contact not on file yet; the same national ID or name and phone reuse the person."""

    name: str = Field(min_length=1, max_length=200)
    national_id: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=32)
    sex: str | None = Field(default=None, max_length=16)
    birth_date: Day | None = None
    address: str | None = Field(default=None, max_length=500)


class ContactCreate(BaseModel):
    """A contact of the case; ``source_contact_id`` makes it a contact of that contact."""

    person_id: Id | None = None
    person: NewPerson | None = None
    category: str = Field(min_length=1, max_length=32)
    setting: Setting | None = None
    relation: str | None = Field(default=None, max_length=32)
    date_first_exposure: Day | None = None
    date_last_exposure: Day
    source_contact_id: Id | None = None

    @model_validator(mode="after")
    def _checks(self) -> ContactCreate:
        if (self.person_id is None) == (self.person is None):
            raise ValueError("give either person_id or person")
        first = self.date_first_exposure
        if first is not None and first > self.date_last_exposure:
            raise ValueError("the first exposure is after the last exposure")
        return self


class ProposedOrder(BaseModel):
    id: Id
    kind: str
    start_date: date
    end_date: date
    status: str


class ContactRead(BaseModel):
    id: Id
    case_id: Id
    person_id: Id
    person_name: str
    category: str
    setting: str | None
    relation: str | None
    date_first_exposure: date | None
    date_last_exposure: date
    source_contact_id: Id | None
    person_case_id: Id | None = None  # the contact's own case, once it became one
    order: ProposedOrder | None = None
    order_note: str | None = None


class LinkCreate(BaseModel):
    infector_case_id: Id
    infectee_case_id: Id
    certainty: Certainty = "probable"


class LinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    infector_case_id: Id
    infectee_case_id: Id
    certainty: str
    source: str


class ClusterRead(BaseModel):
    cluster: Int64
    size: Int64
    depth: Int64
    first_onset: date | None
    last_onset: date | None
    root_case_ids: list[Int64]


class GraphNode(BaseModel):
    id: Id
    label: str
    classification: str
    generation: Int64
    x: float  # tree layout: order within the generation
    y: float  # tree layout: the generation
    tx: float  # timeline layout: days from the cluster's first onset
    ty: float  # timeline layout: one row per case
    onset: date | None
    offspring: Int64


class GraphRead(BaseModel):
    cluster: Int64
    nodes: list[GraphNode]
    edges: list[tuple[Int64, Int64]]


class OffspringBar(BaseModel):
    offspring: Int64  # secondary cases of a case
    cases: Int64  # cases with that many


class Superspreader(BaseModel):
    case_id: Id
    offspring: Int64
    classification: str
    onset: date | None


class ChainStats(BaseModel):
    """Offspring distribution, dispersion k and super-spreaders of a cluster (or of every
    chain in scope when ``cluster`` is None), as ``fireline analyze chains`` computes them
    (Lloyd-Smith et al. 2005, doi:10.1038/nature04153)."""

    cluster: Int64 | None
    cases: Int64
    links: Int64
    without_onset: Int64
    r: float  # mean secondary cases per case: R from the chains
    variance: float
    # None when the counts are not over-dispersed (variance <= mean: k is infinite, Poisson)
    k: float | None
    k_low: float | None
    k_high: float | None
    superspreader_threshold: Int64  # the fewest secondary cases that make a super-spreader
    distribution: list[OffspringBar]
    superspreaders: list[Superspreader]
    superspreaders_total: Int64
