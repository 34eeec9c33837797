"""Check-ins: who was at which venue, from when to when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, BigId, InJurisdiction, Timestamped, UTCDateTime


class CheckIn(InJurisdiction, Base):
    """One visit; ``jurisdiction_id`` is the venue's. Bulk logs live in Parquet too."""

    __tablename__ = "check_ins"
    __table_args__ = (Index("ix_check_ins_venue_time", "venue_id", "checked_in_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# A proposal is decided once: confirmed (a contact is listed) or rejected.
PROPOSAL_STATUSES = ("proposed", "confirmed", "rejected")


class ProposedContact(InJurisdiction, Timestamped, Base):
    """Someone whose visit overlapped a case's at a venue, for an investigator to decide.

    Nothing becomes a contact silently: confirming creates the Contact row,
    rejecting keeps the proposal (and who decided) so a re-run does not propose it
    again. ``jurisdiction_id`` is the case's: the case's investigators review it.
    """

    __tablename__ = "proposed_contacts"
    __table_args__ = (
        UniqueConstraint("case_id", "person_id", "venue_id"),
        Index("ix_proposed_contacts_jurisdiction_status", "jurisdiction_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), nullable=False)
    category: Mapped[str] = mapped_column(String(32), nullable=False)
    rule: Mapped[str] = mapped_column(String(64), nullable=False)
    exposure_start: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    exposure_end: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    overlap_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="proposed")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("contacts.id"))
