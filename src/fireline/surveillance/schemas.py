"""API shapes for cases, their classification history, imports and saved mappings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from fireline.bounds import Count, Day, Id, Int64
from fireline.people.schemas import PersonRead
from fireline.people.validation import PhoneText, ResidentIdText


class PersonIn(BaseModel):
    """The person of a new case; the same national ID reuses the person on file.

    ``national_id`` is an 18-character resident ID (GB 11643-1999: province, birth date,
    check character); it fills an empty birth date and sex and refuses a contradicting
    one. ``phone`` is a valid number (libphonenumber; mainland China unless it starts
    with +), stored as digits. Longer texts are refused, never cut."""

    name: str = Field(min_length=1, max_length=200)
    national_id: ResidentIdText | None = Field(default=None, max_length=32)
    sex: str | None = Field(default=None, max_length=16)
    birth_date: Day | None = None
    phone: PhoneText | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=500)


class CaseDates(BaseModel):
    date_onset: Day | None = None
    date_confirmation: Day | None = None
    date_outcome: Day | None = None
    imported: StrictBool | None = None
    outcome: str | None = Field(default=None, max_length=16)


class CaseCreate(CaseDates):
    """A new case: ``person_id`` of a person in scope, or ``person`` details, or both."""

    disease: str
    jurisdiction_code: str
    classification: str = "suspected"
    date_reporting: Day
    person_id: Id | None = None
    person: PersonIn | None = None
    source: str = Field(default="manual", max_length=64)
    external_id: str | None = Field(default=None, max_length=100)
    existing_person: Literal["ask", "keep", "update"] = Field(
        default="ask",
        description="When the national ID names a person on file whose details differ from "
        "those given: ask (409 with both), keep the record on file as it is, or update it "
        "with the details given.",
    )
    repeat_reason: str | None = Field(
        default=None,
        max_length=500,
        description="Why this person gets a second case of the same disease (a "
        "reinfection, say): without it such a case is refused with 409.",
    )

    @model_validator(mode="after")
    def _one_person(self) -> CaseCreate:
        # Both may come: the person chosen by id, with details typed for it, which are
        # compared with the record like a national ID's match (``existing_person``).
        if self.person_id is None and self.person is None:
            raise ValueError("give person_id or person")
        return self


class CaseUpdate(CaseDates):
    """Changes to a case; ``version`` is the one read, a stale one gets 409."""

    version: Count
    # Optional, but never null: every case has a report date (the column is NOT NULL).
    date_reporting: Day | SkipJsonSchema[None] = None
    jurisdiction_code: str | None = None

    @field_validator("date_reporting", mode="before")
    @classmethod
    def _kept(cls, value: object) -> object:
        if value is None:
            raise ValueError("a case keeps its report date: send one or leave it out")
        return value


class ClassificationRequest(BaseModel):
    to: str
    version: Count
    reason: str | None = Field(default=None, max_length=500)
    date_confirmation: Day | None = None


class ClassificationChangeRead(BaseModel):
    """A history line; ``id`` is null for the first, the case's creation."""

    model_config = ConfigDict(from_attributes=True)

    id: Id | None
    from_classification: str | None
    to_classification: str
    user_id: Id | None
    at: datetime
    reason: str | None


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    disease: str
    classification: str
    jurisdiction_id: Id
    person_id: Id
    source: str
    external_id: str | None
    date_onset: date | None
    date_reporting: date
    date_confirmation: date | None
    imported: bool
    outcome: str | None
    date_outcome: date | None
    import_batch_id: Id | None
    version: Count
    created_at: datetime
    updated_at: datetime


class CaseListItem(CaseRead):
    """A case in a list; ``person_name`` is null for roles that may not read persons."""

    person_name: str | None


class CaseDetail(CaseRead):
    person: PersonRead
    history: list[ClassificationChangeRead]
    allowed_transitions: list[str]
    matches_proposed: Int64 = 0
