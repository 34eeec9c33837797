"""Alerts: a signal that crossed its threshold, for a person to acknowledge or dismiss."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, InJurisdiction, Timestamped, UTCDateTime, Versioned

ALERT_STATUSES = ("open", "acknowledged", "dismissed")
# Why an alert has no count threshold (``threshold`` is None):
# "any-count": EARS C3 signalled on the two days before alone, so any count that day
#   signals (Hutwagner et al. 2003: C3 sums the last three days' excess over mean + sd);
# "not-recorded": stored before thresholds were kept honestly (a stored 0, which the
#   signals could not tell apart from a real bound; migration 7b3e9c2d1a64).
THRESHOLD_NOTES = ("any-count", "not-recorded")


class Alert(InJurisdiction, Versioned, Timestamped, Base):
    """One method's alarm for one jurisdiction, disease and day (re-runs update it)."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("jurisdiction_id", "disease", "signal_date", "method"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    disease: Mapped[str] = mapped_column(String(32), nullable=False)
    signal_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    method: Mapped[str] = mapped_column(String(32), nullable=False)
    observed: Mapped[float] = mapped_column(Float, nullable=False)
    expected: Mapped[float] = mapped_column(Float, nullable=False)
    # The count above which the method signals that day: EARS mean + h sd (C3: the
    # count that carries C3 past h), Farrington the upper prediction bound.
    threshold: Mapped[float | None] = mapped_column(Float)
    threshold_note: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open", index=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(1000))


class OutlookDay(InJurisdiction, Base):
    """The daily run's nowcast of one onset day, or forecast of one day ahead, for one
    jurisdiction subtree and disease (surveillance/trends/outlook.py has the methods).

    Nowcast rows (``day`` <= ``run_date``) carry ``reported`` and the 95% interval in
    ``lower``/``upper``; forecast rows (``day`` > ``run_date``) the 90% interval there
    and the 50% one in ``lower50``/``upper50``. ``median`` is None where the data
    cannot say (no such short delay ever seen)."""

    __tablename__ = "outlook_days"
    __table_args__ = (UniqueConstraint("jurisdiction_id", "disease", "run_date", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    disease: Mapped[str] = mapped_column(String(32), nullable=False)
    run_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    reported: Mapped[int | None] = mapped_column(Integer)
    median: Mapped[float | None] = mapped_column(Float)
    lower: Mapped[float | None] = mapped_column(Float)
    upper: Mapped[float | None] = mapped_column(Float)
    lower50: Mapped[float | None] = mapped_column(Float)
    upper50: Mapped[float | None] = mapped_column(Float)
