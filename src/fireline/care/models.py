"""Hospitals with their beds by type, and admissions of patients to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, BigId, InJurisdiction, Timestamped, UTCDateTime, Versioned

BED_TYPES = ("general", "icu", "isolation")
SEVERITIES = ("mild", "moderate", "severe", "critical")
# transferred: moved to another hospital (a new admission there names this one).
OUTCOMES = ("recovered", "died", "transferred", "discharged")


class Hospital(InJurisdiction, Versioned, Timestamped, Base):
    """A hospital and its staffed beds by type."""

    __tablename__ = "hospitals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    beds_general: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    beds_icu: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    beds_isolation: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    def beds(self, bed_type: str) -> int:
        return int(getattr(self, f"beds_{bed_type}"))


class Admission(InJurisdiction, Versioned, Timestamped, Base):
    """A stay of a patient in one hospital's bed type; open until discharged."""

    __tablename__ = "admissions"
    # Occupancy counts the open stays of a subtree; finished stays stay out of the index.
    __table_args__ = (
        Index(
            "ix_admissions_open",
            "hospital_id",
            "bed_type",
            postgresql_where=text("discharged_at IS NULL"),
            sqlite_where=text("discharged_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    bed_type: Mapped[str] = mapped_column(String(16), nullable=False)
    severity: Mapped[str] = mapped_column(String(16), nullable=False)
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    discharged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(16))
    transferred_from_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("admissions.id"))
