"""A person holds personal data: every read of it is scoped and audited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, BigId, InJurisdiction, Timestamped, UTCDateTime, Versioned


class Person(InJurisdiction, Versioned, Timestamped, Base):
    """Somebody Fireline holds data about; ``jurisdiction_id`` is the residence."""

    __tablename__ = "persons"

    # 64-bit: the reference scale holds about 90 M persons at 10 M cases, and every
    # person_id column in other tables follows this type.
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    national_id: Mapped[str | None] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    sex: Mapped[str | None] = mapped_column(String(16))
    # Indexed: national ID, birth date and phone are the blocking keys of matching.
    birth_date: Mapped[date | None] = mapped_column(Date, index=True)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    address: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str | None] = mapped_column(String(8))
    # Set when a person was found to duplicate another and merged into it: the
    # row stays (for the audit trail) but owns no records any more.
    merged_into_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("persons.id"))


class PersonMatch(InJurisdiction, Timestamped, Base):
    """A proposal that two persons are the same, for a human to accept or reject.

    ``person_id`` is the record proposed to keep (the older one), ``duplicate_id``
    the newer one; ``jurisdiction_id`` is the lowest jurisdiction holding both (their
    common ancestor: the duplicate's when both live there), and the queue shows the
    pair only to users whose subtree holds both persons. Never merged silently.
    """

    __tablename__ = "person_matches"
    __table_args__ = (UniqueConstraint("person_id", "duplicate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    duplicate_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    score: Mapped[float] = mapped_column(Float, nullable=False)
    reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # proposed | accepted | rejected | superseded
    status: Mapped[str] = mapped_column(String(16), nullable=False, index=True, default="proposed")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
