"""Check-ins: who was at which venue, from when to when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, BigId, InJurisdiction


class CheckIn(InJurisdiction, Base):
    """One visit; ``jurisdiction_id`` is the venue's. Bulk logs live in Parquet too."""

    __tablename__ = "check_ins"
    __table_args__ = (Index("ix_check_ins_venue_time", "venue_id", "checked_in_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    checked_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
