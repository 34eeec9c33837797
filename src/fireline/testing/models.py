"""Samples and their lab results."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, BigId, InJurisdiction, Timestamped


class Sample(InJurisdiction, Timestamped, Base):
    """A specimen taken from a person, identified by its tube barcode."""

    __tablename__ = "samples"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    barcode: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    disease: Mapped[str] = mapped_column(String(32), nullable=False)
    sample_type: Mapped[str] = mapped_column(String(32), nullable=False)
    collected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class LabResult(InJurisdiction, Timestamped, Base):
    """A result of one test on one sample (PCR with a Ct value, antigen...)."""

    __tablename__ = "lab_results"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), index=True, nullable=False)
    test_type: Mapped[str] = mapped_column(String(32), nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)  # positive/negative/...
    ct_value: Mapped[float | None] = mapped_column(Float)
    resulted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
