"""API shapes of orders, follow-ups, transfers, the due list and facilities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from fireline.bounds import Count, Day, Id, Int64, Whole

Kind = Literal["home", "facility"]


class OrderCreate(BaseModel):
    """A quarantine order: for a listed contact, or a person held by screening or travel.

    Dates come from the profile's rule for the category and the last exposure; give
    ``start_date``/``end_date`` only to override them.
    """

    contact_id: Id | None = None
    person_id: Id | None = None
    source: Literal["contact", "screening", "travel"] = "contact"
    disease: str | None = None
    category: str | None = None
    last_exposure: Day | None = None
    kind: Kind | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    room_id: Id | None = None
    assignee_id: Id | None = None
    jurisdiction_code: str | None = None


class IsolationCreate(BaseModel):
    """Isolation of a case; release is flagged for review by the profile's rule."""

    case_id: Id
    kind: Kind = "facility"
    start_date: Day | None = None
    room_id: Id | None = None
    assignee_id: Id | None = None


class OrderUpdate(BaseModel):
    """Change an order; send the ``version`` you read (a stale one gets 409)."""

    version: Count
    kind: Kind | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    room_id: Id | None = None
    clear_room: StrictBool = False
    assignee_id: Id | None = None
    review_after: Day | None = None
    clinical: list[str] | None = None


class ExtendRequest(BaseModel):
    """Exposure continued: the period is recounted from the new last exposure."""

    version: Count
    last_exposure: Day


class VersionBody(BaseModel):
    version: Count


class CloseRequest(BaseModel):
    version: Count
    reason: str = Field(min_length=1, max_length=500)


class RoomRequest(BaseModel):
    """Admit an order to a room, or move it to another."""

    version: Count
    room_id: Id


class ConvertRequest(BaseModel):
    """Turn the person into a suspected case (onset from the reports when not given).
    Ending a quarantine this way is a decision about a person: it takes a reason, kept on
    the order and in the audit log, as every conversion and release does."""

    version: Count
    date_onset: Day | None = None
    reason: str = Field(min_length=1, max_length=500, pattern=r"\S")


class TransferRequest(BaseModel):
    version: Count
    to_jurisdiction_code: str
    reason: str | None = Field(default=None, max_length=500)


class OrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    person_id: Id
    contact_id: Id | None
    case_id: Id | None
    purpose: str
    source: str
    kind: str
    status: str
    disease: str | None
    category: str | None
    last_exposure: date | None
    start_date: date
    end_date: date
    facility_id: Id | None
    room_id: Id | None
    assignee_id: Id | None
    jurisdiction_id: Id
    last_report_at: datetime | None
    last_report_symptomatic: bool
    onset_date: date | None
    review_after: date | None
    clinical: list[str] | None
    converted_case_id: Id | None
    closed_at: datetime | None
    close_reason: str | None
    version: Count


class OrderDetail(OrderRead):
    test_dates: list[date]
    flags: list[str]


class IssuedToken(BaseModel):
    """The self-report link; shown once, only its hash is kept."""

    token: str
    path: str
    expires_on: date


# Body temperatures a thermometer reads on a living person, in °C.
TEMPERATURE_MIN = 30
TEMPERATURE_MAX = 45


class FollowUpCreate(BaseModel):
    """A daily report. One that says nothing (reached, but no temperature, symptom or
    note) is refused: stored, it would count as a clean day."""

    reached: StrictBool = True
    temperature: float | None = Field(default=None, ge=TEMPERATURE_MIN, le=TEMPERATURE_MAX)
    symptoms: list[str] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _says_something(self) -> FollowUpCreate:
        empty = self.temperature is None and not self.symptoms and not (self.note or "").strip()
        if self.reached and empty:
            raise ValueError("an empty report: give a temperature, a symptom or a note")
        return self


class FollowUpRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    order_id: Id
    at: datetime
    day: date
    channel: str
    reached: bool
    temperature: float | None
    fever: bool
    symptoms: list[str]
    symptomatic: bool
    note: str | None


class TransferRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    order_id: Id
    jurisdiction_id: Id
    to_jurisdiction_id: Id
    at: datetime
    reason: str | None


class DueRow(BaseModel):
    """One person on today's list and why."""

    order_id: Id
    person_id: Id
    name: str
    phone: str | None
    kind: str
    purpose: str
    end_date: date
    assignee_id: Id | None
    reported_today: bool
    test_due: bool
    non_reporting: bool
    symptomatic: bool


class DueSummary(BaseModel):
    active: Int64
    to_contact: Int64
    test_due: Int64
    non_reporting: Int64
    symptomatic: Int64


class DueList(BaseModel):
    """The page envelope (items, total, limit, offset, next_offset) with the day and the
    figures of the whole list."""

    day: date
    summary: DueSummary
    items: list[DueRow]
    total: Int64
    limit: Int64
    offset: Int64
    next_offset: Int64 | None


class ReleaseFlag(BaseModel):
    order_id: Id
    case_id: Id | None
    person_id: Id
    start_date: date
    review_after: date | None


class RoomIn(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    capacity: Whole = Field(ge=1, le=1000)


class FacilityCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    jurisdiction_code: str
    rooms: list[RoomIn] = Field(default_factory=list, max_length=5000)


class RoomRead(BaseModel):
    id: Id
    code: str
    capacity: Int64
    occupied: Int64


class FacilityRead(BaseModel):
    id: Id
    name: str
    address: str | None
    jurisdiction_id: Id
    capacity: Int64
    occupied: Int64
    arrivals_today: Int64
    departures_today: Int64
    rooms: list[RoomRead]
    version: Count


class ProposalRead(BaseModel):
    """A proposed order waiting in the queue, with what the reviewer decides on."""

    order_id: Id
    version: Count
    person_id: Id
    name: str
    phone: str | None
    case_id: Id | None
    contact_id: Id | None
    jurisdiction_id: Id
    disease: str | None
    category: str | None
    last_exposure: date | None
    kind: str
    start_date: date
    end_date: date
    test_dates: list[date]
    proposed_at: datetime
    age_hours: Int64
    ended: bool  # the period is over: nothing to confirm, cancel it
    active_order_id: Id | None  # the person is already under this active quarantine


class VersionedId(BaseModel):
    id: Id
    version: Count


class ProposalDecisions(BaseModel):
    """Confirm (the orders become active) or cancel (with a reason), all or none.

    Each order carries the ``version`` read; one stale version is 409 for the batch.
    ``kind`` and ``facility_id`` override the profile's place when confirming.
    """

    decision: Literal["confirm", "cancel"]
    orders: list[VersionedId] = Field(min_length=1, max_length=5000)
    reason: str | None = Field(default=None, max_length=500)
    kind: Kind | None = None
    facility_id: Id | None = None
    # The room of each order (order id -> room id) in ``facility_id``; without it the
    # free rooms are shared out in room order (quarantine/rooms.py).
    rooms: dict[Id, Id] | None = Field(default=None, max_length=5000)

    @model_validator(mode="after")
    def _consistent(self) -> ProposalDecisions:
        ids = [o.id for o in self.orders]
        if len(ids) != len(set(ids)):
            raise ValueError("an order is listed twice")
        if self.decision == "cancel":
            if not (self.reason or "").strip():
                raise ValueError("give a reason to cancel")
            if self.kind is not None or self.facility_id is not None:
                raise ValueError("kind and facility_id are for confirming")
        if self.facility_id is not None and self.kind == "home":
            raise ValueError("a facility needs kind facility")
        if self.rooms is not None and (self.facility_id is None or set(self.rooms) != set(ids)):
            raise ValueError("rooms are given for every order, with facility_id")
        return self


class ProposalDecisionRead(BaseModel):
    decision: str
    decided: Int64
    order_ids: list[Int64]
