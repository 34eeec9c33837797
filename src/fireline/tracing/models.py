"""Case interviews with their exposures, contacts of cases, infector → infectee links.

A contact row belongs to the index case (``case_id``); a contact of a contact (a
secondary contact) has the same index case and names the contact it met through
``source_contact_id``, so a case's contact list shows both tiers.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import (
    Base,
    BigId,
    InJurisdiction,
    Timestamped,
    UTCDateTime,
    Versioned,
    utcnow,
)


class Contact(InJurisdiction, Timestamped, Base):
    """A person exposed to a case; the category's rules come from the disease profile."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True, nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    category: Mapped[str] = mapped_column(String(32), nullable=False)
    setting: Mapped[str | None] = mapped_column(String(32))
    date_first_exposure: Mapped[date | None] = mapped_column(Date)
    date_last_exposure: Mapped[date] = mapped_column(Date, nullable=False)
    # Indexed: the league table counts the contacts listed in a week (response/league.py).
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    relation: Mapped[str | None] = mapped_column(String(32))
    source_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    listed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class TransmissionLink(InJurisdiction, Base):
    """Infector → infectee; an infectee has at most one infector."""

    __tablename__ = "transmission_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    infector_case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id"), index=True, nullable=False
    )
    infectee_case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id"), unique=True, nullable=False
    )
    certainty: Mapped[str] = mapped_column(String(16), nullable=False, default="probable")
    # manual (an investigator), contact (a listed contact became a case), import (a file)
    source: Mapped[str] = mapped_column(
        String(16), nullable=False, default="manual", server_default="manual"
    )


class Interview(InJurisdiction, Versioned, Timestamped, Base):
    """The investigation interview of one case; the form's questions come from its profile."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    date_onset: Mapped[date | None] = mapped_column(Date)
    symptoms: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # The day the case was isolated; a contact cannot be exposed after it.
    date_isolation: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Exposure(InJurisdiction, Timestamped, Base):
    """Where the case was during its exposure or infectious window: a place, an event,
    travel; at a venue of the register or an address, with how and in which setting
    people were exposed there (codes in ``tracing.codes``)."""

    __tablename__ = "exposures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # place | event | travel
    venue_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("venues.id"), index=True)
    description: Mapped[str] = mapped_column(String(300), nullable=False)
    address: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    exposure_type: Mapped[str | None] = mapped_column(String(32))
    setting: Mapped[str | None] = mapped_column(String(32))
