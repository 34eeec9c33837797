"""Screening campaigns, their sampling sites, pool tubes, members, pool results, retests,
closed rounds.

Sized for the reference scale (25 M samples a day in 2.5 M pools): ``pool_members`` and
``pool_results`` carry ``jurisdiction_id`` (the distribution key, docs/architecture.md, "Storage and
scale") without an index of their own; every read reaches them through a pool.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, BigId, InJurisdiction, Timestamped, UTCDateTime, Versioned

TARGET_KINDS = ("jurisdiction", "zone", "list")
POOL_AXES = ("pool", "row", "col")  # a Dorfman tube; a matrix plate's row or column
RETEST_STATUSES = ("open", "negative", "positive", "cancelled")
ROUND_RESULTS = ("negative", "positive", "inconclusive")


class ScreeningCampaign(InJurisdiction, Versioned, Timestamped, Base):
    """Mass screening of a jurisdiction, a zone or a list of people, in rounds."""

    __tablename__ = "screening_campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    disease: Mapped[str] = mapped_column(String(32), nullable=False)
    target_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    population: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    design: Mapped[str] = mapped_column(String(16), nullable=False, default="dorfman")
    pool_size: Mapped[int] = mapped_column(Integer, nullable=False)
    prevalence: Mapped[float | None] = mapped_column(Float)
    chosen_by: Mapped[str] = mapped_column(String(8), nullable=False, default="optimum")
    round_no: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    hold_days: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ScreeningSite(InJurisdiction, Timestamped, Base):
    """A sampling site of a campaign and how many people it samples an hour."""

    __tablename__ = "screening_sites"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("screening_campaigns.id"), index=True, nullable=False
    )
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    capacity_per_hour: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Pool(InJurisdiction, Base):
    """A pool tube: k members' swabs (Dorfman), or one row or column of a matrix plate."""

    __tablename__ = "pools"
    # A tube barcode is unique within a jurisdiction, as a sample's is: registering or
    # resulting a tube another county holds answers as an unknown tube does (OWASP API
    # Security Top 10 2023, API1 "Broken Object Level Authorization"). Barcode first:
    # the result ingest joins on it.
    __table_args__ = (
        Index("ix_pools_campaign_id_round_no", "campaign_id", "round_no"),
        UniqueConstraint("barcode", "jurisdiction_id", name="uq_pools_barcode_jurisdiction"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    barcode: Mapped[str] = mapped_column(String(64), nullable=False)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("screening_campaigns.id"), nullable=False)
    site_id: Mapped[int] = mapped_column(ForeignKey("screening_sites.id"), nullable=False)
    round_no: Mapped[int] = mapped_column(Integer, nullable=False)
    axis: Mapped[str] = mapped_column(String(8), nullable=False, default="pool")
    plate: Mapped[str | None] = mapped_column(String(64))
    line: Mapped[int | None] = mapped_column(Integer)  # the row or column number on the plate
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PoolMember(Base):
    """A member's sample in a pool; a person is in one pool per axis and round."""

    __tablename__ = "pool_members"
    __table_args__ = (UniqueConstraint("campaign_id", "round_no", "axis", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pool_id: Mapped[int] = mapped_column(BigId, ForeignKey("pools.id"), index=True, nullable=False)
    sample_id: Mapped[int] = mapped_column(BigId, ForeignKey("samples.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"), nullable=False)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("screening_campaigns.id"), nullable=False)
    round_no: Mapped[int] = mapped_column(Integer, nullable=False)
    axis: Mapped[str] = mapped_column(String(8), nullable=False, default="pool")
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), nullable=False)


class PoolResult(Base):
    """The lab's result for a pool tube; one per pool (a second, different one is refused)."""

    __tablename__ = "pool_results"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pool_id: Mapped[int] = mapped_column(BigId, ForeignKey("pools.id"), unique=True, nullable=False)
    # Copies of the pool's own campaign and jurisdiction (which the pool's foreign keys
    # guard), written only by the ingest from the pool row. They carry no foreign key of
    # their own: PostgreSQL checks each key row by row with a locking lookup, and the two
    # redundant checks were half the time of storing a screening day's 2.5 M results.
    campaign_id: Mapped[int] = mapped_column(Integer, nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    ct_value: Mapped[float | None] = mapped_column(Float)
    resulted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    external_id: Mapped[str | None] = mapped_column(String(200))
    batch: Mapped[str | None] = mapped_column(String(200))
    jurisdiction_id: Mapped[int] = mapped_column(Integer, nullable=False)


class RetestOrder(InJurisdiction, Versioned, Timestamped, Base):
    """A single retest for a member of a positive pool (or a decoded matrix candidate),
    with the quarantine hold it keeps until its result."""

    __tablename__ = "retest_orders"
    __table_args__ = (UniqueConstraint("campaign_id", "round_no", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("screening_campaigns.id"), nullable=False)
    round_no: Mapped[int] = mapped_column(Integer, nullable=False)
    pool_id: Mapped[int] = mapped_column(BigId, ForeignKey("pools.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    sample_id: Mapped[int] = mapped_column(BigId, ForeignKey("samples.id"), nullable=False)
    hold_order_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("quarantine_orders.id"))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    result_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("lab_results.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ScreeningRound(InJurisdiction, Base):
    """A closed round of a campaign: its result, how many were tested, the collection days,
    and the screening round it recorded on the campaign's zone (one close per round)."""

    __tablename__ = "screening_rounds"
    __table_args__ = (UniqueConstraint("campaign_id", "round_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("screening_campaigns.id"), nullable=False)
    round_no: Mapped[int] = mapped_column(Integer, nullable=False)
    result: Mapped[str] = mapped_column(String(16), nullable=False)  # ROUND_RESULTS
    tested: Mapped[int] = mapped_column(Integer, nullable=False)
    first_day: Mapped[date] = mapped_column(Date, nullable=False)
    last_day: Mapped[date] = mapped_column(Date, nullable=False)
    zone_round_id: Mapped[int | None] = mapped_column(ForeignKey("zone_rounds.id"))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
