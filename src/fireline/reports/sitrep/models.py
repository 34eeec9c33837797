"""``sitrep_archive``: every version of a generated situation report, kept as sent.

The document itself is stored in the row (``content``), not as a file path: the archive
then travels with the database's backups and restores (``fireline backup``), and every
worker and web process reads it without a shared disk. A province report is a few
hundred kilobytes, so a year of daily reports in two languages and two formats stays
in the low hundreds of megabytes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, InJurisdiction, UTCDateTime

FORMATS = ("pdf", "html")


class SitrepArchive(InJurisdiction, Base):
    """One generated report: jurisdiction, report date, language, format and version."""

    __tablename__ = "sitrep_archive"
    __table_args__ = (
        UniqueConstraint("jurisdiction_id", "report_date", "language", "format", "version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    format: Mapped[str] = mapped_column(String(8), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
