"""Users, their sessions and tokens, and the append-only audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fireline.db.base import Base, Timestamped, UTCDateTime, Versioned, utcnow
from fireline.places.models import Jurisdiction

ROLES = ("admin", "epidemiologist", "investigator", "lab", "facility", "viewer")


class User(Versioned, Timestamped, Base):
    """A staff member; sees and changes records only within its jurisdiction subtree."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    jurisdiction_id: Mapped[int] = mapped_column(
        ForeignKey("jurisdictions.id"), index=True, nullable=False
    )
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="en")
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    jurisdiction: Mapped[Jurisdiction] = relationship(lazy="joined")


class AuthToken(Base):
    """A page session (cookie) or an API bearer token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # "session" | "api"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    csrf_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    user: Mapped[User] = relationship(lazy="joined")


class AuditEvent(Base):
    """One write, or one read of personal data. Rows are only ever inserted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(32), nullable=False)  # read/create/update/...
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False, default=dict)


class LoginThrottle(Base):
    """Failed log-ins of one account or one client address, and how long it is locked.

    The key is ``account:`` or ``address:`` and the SHA-256 of the name or address, so
    the table holds no user names or IP addresses (OWASP Logging Cheat Sheet).
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
