"""Samples, their lab results (versioned by amendment) and the lab messages that brought them.

Idempotent intake (docs/architecture.md, "Idempotent intake"): a message is known by
``(source, message_id)``, a result by
``(source, external_id)``. The same message twice changes nothing; a result received
again with other content (an amended or corrected report) becomes a new revision, the
previous one kept with ``current`` false, so the history reads in revision order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import true

from fireline.db.base import Base, BigId, InJurisdiction, Timestamped, UTCDateTime

RESULT_OUTCOMES = ("positive", "negative", "inconclusive")
TEST_TYPES = ("pcr", "antigen", "antibody", "other")


class Sample(InJurisdiction, Timestamped, Base):
    """A specimen taken from a person, identified by its tube barcode."""

    __tablename__ = "samples"
    # A barcode is unique within a jurisdiction, not across the tree: a county that
    # registers a barcode another county holds gets what a new barcode gets, so that
    # no answer reveals the other county's sample (OWASP API Security Top 10 2023,
    # API1 "Broken Object Level Authorization"). Barcode first: lookups are by barcode.
    # (collected_at, id): the sample list's default order, newest first, a page at a time.
    __table_args__ = (
        UniqueConstraint("barcode", "jurisdiction_id", name="uq_samples_barcode_jurisdiction"),
        Index("ix_samples_collected_at_id", "collected_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    barcode: Mapped[str] = mapped_column(String(64), nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    disease: Mapped[str] = mapped_column(String(32), nullable=False)
    sample_type: Mapped[str] = mapped_column(String(32), nullable=False)
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # Where and by whom: a sampling site (screening) or a free-text site; the lab and
    # when it received the tube, for turnaround (collection -> receipt -> result).
    site: Mapped[str | None] = mapped_column(String(100))
    lab: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LabMessage(InJurisdiction, Timestamped, Base):
    """One message from a lab (API call, CSV file, FHIR Bundle) and what it changed."""

    __tablename__ = "lab_messages"
    # Keys are per jurisdiction and looked up in the actor's subtree, so a message or
    # result id another county used answers as a new one (OWASP API Security Top 10
    # 2023, API1 "Broken Object Level Authorization").
    __table_args__ = (
        UniqueConstraint(
            "source", "message_id", "jurisdiction_id", name="uq_lab_messages_source_jurisdiction"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64), nullable=False)
    message_id: Mapped[str] = mapped_column(String(200), nullable=False)
    format: Mapped[str] = mapped_column(String(8), nullable=False)  # api | csv | fhir
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    results_created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    results_amended: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    results_unchanged: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    cases_created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    cases_confirmed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    persons_created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    matches_proposed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    retests_closed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class LabResult(InJurisdiction, Timestamped, Base):
    """A result of one test on one sample (PCR with Ct values per target gene, antigen...)."""

    __tablename__ = "lab_results"
    __table_args__ = (
        UniqueConstraint(  # per jurisdiction, as a message's key (above)
            "source",
            "external_id",
            "revision",
            "jurisdiction_id",
            name="uq_lab_results_source_jurisdiction",
        ),
        Index("ix_lab_results_resulted_at", "resulted_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), index=True, nullable=False)
    test_type: Mapped[str] = mapped_column(String(32), nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)  # positive/negative/...
    # The lowest Ct over the targets (the most positive signal); every target in ``targets``.
    ct_value: Mapped[float | None] = mapped_column(Float)
    resulted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # Server defaults: bulk writers (the simulator, the demo loader) leave them out.
    source: Mapped[str] = mapped_column(
        String(64), nullable=False, default="manual", server_default="manual"
    )
    external_id: Mapped[str | None] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    current: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=True, server_default=true()
    )
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default="final", server_default="final"
    )
    code_system: Mapped[str | None] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(32))
    targets: Mapped[list[dict[str, object]]] = mapped_column(
        JSON, nullable=False, default=list, server_default="[]"
    )
    lab: Mapped[str | None] = mapped_column(String(100))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("lab_messages.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
