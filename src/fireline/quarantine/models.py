"""Quarantine orders for contacts, isolation of cases, follow-up reports, transfers,
and quarantine facilities with their rooms.

An order is one row whatever its purpose: ``purpose`` is ``quarantine`` (a contact,
a screening hold, a traveller) or ``isolation`` (a case; ``contact_id`` is empty, which
the response mechanism reads as "the case is isolated"). The columns a follow-up
report changes (``last_report_*``, ``onset_date``, ``fever_free_since``) are written by
a plain UPDATE that leaves ``version`` alone: a report is an append by the person or a
tracer, and must not make a supervisor's open edit of dates or room stale.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
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

ORDER_KINDS = ("home", "facility")
ORDER_PURPOSES = ("quarantine", "isolation")
ORDER_SOURCES = ("contact", "screening", "travel", "case")
# proposed: written by tracing for a listed contact, waiting in the queue (proposals.py);
# completed: the period ended with a clean last report (automatic); released: early or
# reviewed release by a person; converted: the person became a case; cancelled: a
# proposal turned down.
ORDER_STATUSES = ("proposed", "active", "completed", "released", "converted", "cancelled")
PROPOSED = "proposed"
# The orders that really held someone: what response evidence and timeliness count.
ISSUED_STATUSES = ("active", "completed", "released", "converted")


class QuarantineOrder(InJurisdiction, Versioned, Timestamped, Base):
    """Holds a person at home or in a facility from ``start_date`` to ``end_date``."""

    __tablename__ = "quarantine_orders"
    # The due list and the flags read the active orders of a subtree; a partial index
    # keeps the ended orders (most of them, late in a wave) out of that scan.
    __table_args__ = (
        Index(
            "ix_quarantine_orders_active",
            "jurisdiction_id",
            "end_date",
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
        # The queue of proposed orders (quarantine/proposals.py) and its count on every
        # quarantine page read only these few rows, never a scan of all orders.
        Index(
            "ix_quarantine_orders_proposed",
            "jurisdiction_id",
            "created_at",
            postgresql_where=text("status = 'proposed'"),
            sqlite_where=text("status = 'proposed'"),
        ),
        # The orders decided since the response sweep's last evidence check
        # (response/evidence_watch.py).
        Index("ix_quarantine_orders_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # home | facility
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False, default="quarantine")
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="contact")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    disease: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(32))
    last_exposure: Mapped[date | None] = mapped_column(Date)
    # Bit n set: a sample is due on day n after the last exposure (the profile's
    # test_days; day 0 is the exposure day). One integer keeps "due a test today" a
    # column expression over all orders instead of a join to a dates table.
    test_mask: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("quarantine_facilities.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("facility_rooms.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # SHA-256 of the self-report token; the token itself is never stored.
    report_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_report_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_report_on: Mapped[date | None] = mapped_column(Date)
    last_report_symptomatic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    onset_date: Mapped[date | None] = mapped_column(Date)
    fever_free_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Isolation: no release flag before this date (a clinician extended the isolation).
    review_after: Mapped[date | None] = mapped_column(Date)
    clinical: Mapped[list[str] | None] = mapped_column(JSON)
    converted_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    close_reason: Mapped[str | None] = mapped_column(String(500))


class FollowUp(InJurisdiction, Base):
    """One daily check of a person under an order: by staff, or self-reported."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("quarantine_orders.id"), index=True, nullable=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    channel: Mapped[str] = mapped_column(String(8), nullable=False)  # staff | self
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reached: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    temperature: Mapped[float | None] = mapped_column(Float)
    fever: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    symptoms: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    symptomatic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(String(500))


class OrderTransfer(InJurisdiction, Base):
    """An order moved to another jurisdiction; ``jurisdiction_id`` is where it came from."""

    __tablename__ = "order_transfers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("quarantine_orders.id"), index=True, nullable=False
    )
    to_jurisdiction_id: Mapped[int] = mapped_column(
        ForeignKey("jurisdictions.id"), index=True, nullable=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(500))


class QuarantineFacility(InJurisdiction, Versioned, Timestamped, Base):
    """A hotel or centre where people are quarantined, room by room."""

    __tablename__ = "quarantine_facilities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class FacilityStaff(InJurisdiction, Base):
    """A facility user works at this facility: they admit, place in rooms and release the
    orders held there (quarantine/staff.py). ``jurisdiction_id`` is the facility's."""

    __tablename__ = "facility_staff"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    facility_id: Mapped[int] = mapped_column(
        ForeignKey("quarantine_facilities.id"), primary_key=True, index=True
    )


class FacilityRoom(InJurisdiction, Versioned, Base):
    """A room of a facility and how many people it holds at once."""

    __tablename__ = "facility_rooms"
    __table_args__ = (UniqueConstraint("facility_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    facility_id: Mapped[int] = mapped_column(
        ForeignKey("quarantine_facilities.id"), index=True, nullable=False
    )
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
