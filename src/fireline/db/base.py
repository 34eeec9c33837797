"""The declarative base every table derives from, and the columns many tables share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, ForeignKey, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

# A fixed naming convention lets Alembic's batch mode rebuild SQLite tables and
# find constraints by name (Alembic docs, "Working with naming conventions").
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant, written in UTC and read back with its UTC offset on every backend.

    SQLite has no time zone type and SQLAlchemy's SQLite DATETIME drops the offset
    on write and returns naive values (SQLAlchemy docs, "SQLite DateTime"), so an
    API timestamp read there lacked the offset RFC 3339 section 5.6 requires of a
    ``date-time``. A naive value handed in is taken as UTC, the project's rule.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive one is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    """Instants are stored in UTC with time zone (docs/architecture.md, "Time")."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Versioned:
    """Optimistic locking: a stale write is refused (docs/architecture.md, "No lost updates")."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - a declared_attr takes the class
        return {"version_id_col": cls.version}


class InJurisdiction:
    """A record that belongs to one jurisdiction; the scope filters on this column.

    The jurisdiction is part of every such row so that a distributed PostgreSQL
    (Citus) can use it as the distribution key (docs/architecture.md, "Storage and scale").
    """

    jurisdiction_id: Mapped[int] = mapped_column(
        ForeignKey("jurisdictions.id"), index=True, nullable=False
    )


# A 64-bit key on PostgreSQL; on SQLite only INTEGER PRIMARY KEY aliases the rowid
# (sqlite.org/lang_createtable.html#rowid), and that is 64-bit already.
BigId = BigInteger().with_variant(Integer(), "sqlite")
