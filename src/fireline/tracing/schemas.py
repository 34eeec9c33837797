"""API shapes of interviews, exposures, contacts, transmission links and clusters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SETTINGS = ("household", "work", "school", "venue", "transport", "health_care", "other")
Setting = Literal["household", "work", "school", "venue", "transport", "health_care", "other"]
Certainty = Literal["confirmed", "probable", "possible"]
ExposureKind = Literal["place", "event", "travel"]


class InterviewUpdate(BaseModel):
    """Autosaved answers; ``version`` is the one read, a stale one gets 409."""

    version: int
    date_onset: date | None = None
    symptoms: list[str] | None = None
    date_isolation: date | None = None
    notes: str | None = Field(default=None, max_length=10_000)
    status: Literal["open", "completed"] | None = None


class InterviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    status: str
    date_onset: date | None
    symptoms: list[str]
    date_isolation: date | None
    notes: str | None
    version: int
    completed_at: datetime | None


class ExposureCreate(BaseModel):
    kind: ExposureKind
    description: str = Field(min_length=1, max_length=300)
    venue_id: int | None = None
    address: str | None = Field(default=None, max_length=500)
    starts_at: datetime
    ends_at: datetime

    @model_validator(mode="after")
    def _ordered(self) -> ExposureCreate:
        if self.ends_at < self.starts_at:
            raise ValueError("the exposure ends before it starts")
        return self


class ExposureRead(ExposureCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int


class NewPerson(BaseModel):
    """A contact not on file yet; the same national ID or name and phone reuse the person."""

    name: str = Field(min_length=1, max_length=200)
    national_id: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=32)
    sex: str | None = Field(default=None, max_length=16)
    birth_date: date | None = None
    address: str | None = Field(default=None, max_length=500)


class ContactCreate(BaseModel):
    """A contact of the case; ``source_contact_id`` makes it a contact of that contact."""

    person_id: int | None = None
    person: NewPerson | None = None
    category: str = Field(min_length=1, max_length=32)
    setting: Setting | None = None
    relation: str | None = Field(default=None, max_length=32)
    date_first_exposure: date | None = None
    date_last_exposure: date
    source_contact_id: int | None = None

    @model_validator(mode="after")
    def _checks(self) -> ContactCreate:
        if (self.person_id is None) == (self.person is None):
            raise ValueError("give either person_id or person")
        first = self.date_first_exposure
        if first is not None and first > self.date_last_exposure:
            raise ValueError("the first exposure is after the last exposure")
        return self


class ProposedOrder(BaseModel):
    id: int
    kind: str
    start_date: date
    end_date: date
    status: str


class ContactRead(BaseModel):
    id: int
    case_id: int
    person_id: int
    person_name: str
    category: str
    setting: str | None
    relation: str | None
    date_first_exposure: date | None
    date_last_exposure: date
    source_contact_id: int | None
    person_case_id: int | None = None  # the contact's own case, once it became one
    order: ProposedOrder | None = None
    order_note: str | None = None


class LinkCreate(BaseModel):
    infector_case_id: int
    infectee_case_id: int
    certainty: Certainty = "probable"


class LinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    infector_case_id: int
    infectee_case_id: int
    certainty: str
    source: str


class ClusterRead(BaseModel):
    cluster: int
    size: int
    depth: int
    first_onset: date | None
    last_onset: date | None
    root_case_ids: list[int]


class GraphNode(BaseModel):
    id: int
    label: str
    classification: str
    generation: int
    x: float  # tree layout: order within the generation
    y: float  # tree layout: the generation
    tx: float  # timeline layout: days from the cluster's first onset
    ty: float  # timeline layout: one row per case
    onset: date | None
    offspring: int


class GraphRead(BaseModel):
    cluster: int
    nodes: list[GraphNode]
    edges: list[tuple[int, int]]
