"""Instants come back from the database in UTC with their offset, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree

SHANGHAI = timezone(timedelta(hours=8))


def test_an_instant_is_read_back_aware_and_in_utc(session: Session) -> None:
    small_tree(session)
    user = make_user(session, "ann", "admin", "C1A")
    # 10:00 in Shanghai is 02:00 UTC; SQLite used to keep the wall time and drop the offset
    user.created_at = datetime(2026, 3, 1, 10, 0, tzinfo=SHANGHAI)
    session.commit()
    session.expire_all()
    stored = session.get_one(type(user), user.id).created_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def test_comparisons_bind_in_utc(session: Session) -> None:
    small_tree(session)
    user = make_user(session, "ann", "admin", "C1A")
    user.created_at = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    session.commit()
    created = type(user).created_at
    just_after = datetime(2026, 3, 1, 10, 1, tzinfo=SHANGHAI)  # 02:01 UTC
    assert session.scalar(select(type(user).id).where(created < just_after)) == user.id
    assert session.scalar(select(type(user).id).where(created > just_after)) is None


def test_api_timestamps_carry_their_offset(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "ann", "admin", "C1A")
    headers = bearer(client, "ann")
    assert session.scalars(select(AuditEvent)).first() is not None  # the user's creation
    audit = client.get("/api/v1/audit", headers=headers).json()["items"]
    stamps = [event["at"] for event in audit]
    assert stamps and all(s.endswith(("Z", "+00:00")) for s in stamps), stamps
