"""Named pseudonym keys and FHIR Bulk Data export jobs with their NDJSON files."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from fireline.db.base import Base, InJurisdiction, Timestamped, UTCDateTime

JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


class ExportKey(Timestamped, Base):
    """A pseudonym key a user named for an export: a random secret made on first use and
    kept, so that the same name gives the same pseudonyms next time and another name
    gives pseudonyms that cannot be linked to these without both secrets."""

    __tablename__ = "export_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    secret: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class BulkExport(InJurisdiction, Timestamped, Base):
    """One FHIR ``$export`` request: who asked, for which subtree, and how far it got.

    The id is random (uuid4 hex): the status URL is the only handle a client holds
    (FHIR Bulk Data Access IG v2, "Bulk Data Kick-off Request", Content-Location).
    """

    __tablename__ = "bulk_exports"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    types: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    request_url: Mapped[str] = mapped_column(String(2000), nullable=False)
    transaction_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    progress: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(String(500))


class BulkExportFile(Base):
    """One NDJSON output file of an export (one resource per line)."""

    __tablename__ = "bulk_export_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    export_id: Mapped[str] = mapped_column(
        ForeignKey("bulk_exports.id", ondelete="CASCADE"), index=True, nullable=False
    )
    resource_type: Mapped[str] = mapped_column(String(32), nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[str] = deferred(mapped_column(Text, nullable=False))
