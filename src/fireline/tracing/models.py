"""Contacts of cases and infector → infectee links."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, BigId, InJurisdiction, Timestamped, utcnow


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
    listed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
