"""API shapes of the positive results of people under quarantine and their conversion."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fireline.bounds import Count, Id


class PositiveRead(BaseModel):
    """A lab positive among the reader's contacts: an open proposal to convert the order
    (``url``: the order page, where the conversion is confirmed)."""

    model_config = ConfigDict(from_attributes=True)

    proposal_id: Id
    order_id: Id
    person_id: Id
    name: str | None = Field(description="Only for roles that may read persons")
    disease: str
    result_id: Id
    resulted_at: datetime
    test_type: str
    ct_value: float | None
    case_id: Id | None = Field(description="The case the result made or confirmed, if any")
    index_case_id: Id | None = Field(description="The contact's index case (the infector)")
    owner_id: Id | None = Field(description="The investigator told; null: everyone in scope")
    created_at: datetime
    url: str


class IsolationConversion(BaseModel):
    """Confirm the conversion of a quarantine to isolation; send the ``version`` read."""

    version: Count
    reason: str = Field(min_length=1, max_length=500)
    kind: Literal["home", "facility"] = "facility"


class ConversionRead(BaseModel):
    order_id: Id
    status: str
    case_id: Id
    classification: str
    isolation_order_id: Id
    infector_case_id: Id | None


class DismissRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class DismissRead(BaseModel):
    order_id: Id
    dismissed: list[Id]
