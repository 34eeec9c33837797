"""Cases and their classification history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, BigId, InJurisdiction, Timestamped, Versioned, utcnow

CLASSIFICATIONS = ("suspected", "probable", "confirmed", "discarded")


class Case(InJurisdiction, Versioned, Timestamped, Base):
    """A case of a disease in a person, reported to a jurisdiction."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True, nullable=False)
    disease: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    source: Mapped[str] = mapped_column(String(64), nullable=False, default="manual")
    external_id: Mapped[str | None] = mapped_column(String(100))
    classification: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    date_onset: Mapped[date | None] = mapped_column(Date, index=True)
    date_reporting: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    date_confirmation: Mapped[date | None] = mapped_column(Date)
    imported: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    outcome: Mapped[str | None] = mapped_column(String(16))
    date_outcome: Mapped[date | None] = mapped_column(Date)


class ClassificationChange(Base):
    """Who moved a case from one classification to another, and when."""

    __tablename__ = "classification_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True, nullable=False)
    from_classification: Mapped[str | None] = mapped_column(String(16))
    to_classification: Mapped[str] = mapped_column(String(16), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(500))
