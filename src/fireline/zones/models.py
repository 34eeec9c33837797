"""Risk zones, their screening rounds and their level changes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, InJurisdiction, Timestamped, UTCDateTime, Versioned, utcnow


class Zone(InJurisdiction, Versioned, Timestamped, Base):
    """An area under a risk level: a GeoJSON polygon and/or a list of addresses.

    ``level_since`` is the day the current level began: clean days are counted from the
    later of it and the last case, so a step down restarts the count.
    """

    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    level: Mapped[str] = mapped_column(String(32), nullable=False)
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    addresses: Mapped[list[str] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    drawn_on: Mapped[date] = mapped_column(Date, nullable=False)
    level_since: Mapped[date] = mapped_column(Date, nullable=False)
    lifted_on: Mapped[date | None] = mapped_column(Date)


class ZoneRound(InJurisdiction, Base):
    """A screening round over the zone's residents and its result."""

    __tablename__ = "zone_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True, nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    result: Mapped[str] = mapped_column(String(16), nullable=False)  # negative | positive
    tested: Mapped[int | None] = mapped_column(Integer)


class ZoneChange(InJurisdiction, Base):
    """A level change or lift, with who made it."""

    __tablename__ = "zone_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    from_level: Mapped[str | None] = mapped_column(String(32))
    to_level: Mapped[str | None] = mapped_column(String(32))  # None: lifted
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
