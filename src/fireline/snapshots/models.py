"""One remembered figure per kind and key: what a dashboard showed, as of when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base, UTCDateTime


class FigureSnapshot(Base):
    """The payload of one dashboard's figures (a league table, a campaign's counts) for
    one key (its place, period...), the instant it was computed and when it was last
    read: the worker refreshes the keys people read, the others age out."""

    __tablename__ = "figure_snapshots"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_figure_snapshots_kind_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    key: Mapped[str] = mapped_column(String(200), nullable=False)
    payload: Mapped[Any] = mapped_column(JSON, nullable=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    seconds: Mapped[float] = mapped_column(Float, nullable=False)  # the computation's
