"""``job_runs``: one row per run of a scheduled job, for the lock's slot check and the admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, UTCDateTime

RUN_STATUSES = ("running", "succeeded", "failed")


class JobRun(Base):
    """A run of one job; ``summary`` holds counts and ``error`` an exception's type only,
    never its message (messages can quote the rows, and with them personal data)."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started_at", "job", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(64), nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="running")
    summary: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(String(100))
