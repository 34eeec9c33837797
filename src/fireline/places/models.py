"""Jurisdictions: a tree of any depth kept as a materialised path."""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import Select

from fireline.db.base import Base, InJurisdiction, Timestamped

PATH_SEPARATOR = "/"


class Jurisdiction(Timestamped, Base):
    """A province, city, county, township... Its ``path`` is ``/330000/330100/330102/``.

    A subtree is one range scan on the indexed path (``path >= p AND path < p + '~'``),
    which works the same on SQLite and PostgreSQL, unlike LIKE with a collation.
    """

    __tablename__ = "jurisdictions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name_en: Mapped[str] = mapped_column(String(200), nullable=False)
    name_zh: Mapped[str] = mapped_column(String(200), nullable=False)
    level: Mapped[str] = mapped_column(String(32), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000), nullable=False, index=True, unique=True)
    depth: Mapped[int] = mapped_column(Integer, nullable=False)
    population: Mapped[int | None] = mapped_column(Integer)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geometry: Mapped[dict[str, object] | None] = mapped_column(JSON)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="Asia/Shanghai")

    def name(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name_en

    @property
    def parent_code(self) -> str | None:
        """The parent's code, read from the path: no query needed."""
        codes = [c for c in self.path.split(PATH_SEPARATOR) if c]
        return codes[-2] if len(codes) > 1 else None

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to and including this jurisdiction."""
        return [c for c in self.path.split(PATH_SEPARATOR) if c]


def child_path(parent_path: str, code: str) -> str:
    return f"{parent_path}{code}{PATH_SEPARATOR}"


def subtree_ids(path: str) -> Select[tuple[int]]:
    """The ids of the jurisdiction at ``path`` and all below it, as one indexed query."""
    return select(Jurisdiction.id).where(Jurisdiction.path >= path, Jurisdiction.path < path + "~")


class Venue(InJurisdiction, Timestamped, Base):
    """A place people check in to: a shop, a restaurant, a bus line, a school."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
