"""A positive result for a person under quarantine: a notice to the investigator who owns
the order, and a proposal to convert the quarantine to isolation.

The lab writes the row (``fireline.testing.positive``, set-based over a whole message);
a person decides it: ``converted`` (``outcomes.convert_to_isolation``) or ``dismissed``
with a reason. The row is the notice too: "lab positives among my contacts" are the open
rows whose ``owner_id`` is the reader (or nobody, when the order names no owner).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, BigId, InJurisdiction, Timestamped, UTCDateTime

OPEN: Final = "open"
PROPOSAL_STATUSES: Final = (OPEN, "converted", "dismissed")


class ConversionProposal(InJurisdiction, Timestamped, Base):
    """Convert order ``order_id`` to isolation: lab result ``result_id`` was positive."""

    __tablename__ = "conversion_proposals"
    __table_args__ = (
        # A repeated or re-processed result never proposes twice for one order.
        UniqueConstraint("order_id", "result_id"),
        # "My work" reads the open ones of a subtree and an owner: a few rows, never a
        # scan of every decided proposal of a wave.
        Index(
            "ix_conversion_proposals_open",
            "jurisdiction_id",
            "owner_id",
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("quarantine_orders.id"), index=True, nullable=False
    )
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"), nullable=False)
    result_id: Mapped[int] = mapped_column(BigId, ForeignKey("lab_results.id"), nullable=False)
    disease: Mapped[str] = mapped_column(String(32), nullable=False)
    # The case the result made or confirmed (the lab's own rule), if any yet.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # The contact's index case: the infector the new case is linked to on conversion.
    index_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # Who is told: the order's assignee, else who listed the contact, else the index
    # case's interviewer; nobody named means every investigator of the jurisdiction.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=OPEN)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
