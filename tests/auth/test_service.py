from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent, AuthToken, User
from fireline.auth.scope import system_actor
from fireline.auth.service import (
    InvalidCredentials,
    InvalidToken,
    actor_for,
    authenticate,
    create_user,
    find_users,
    issue_token,
    list_users,
    resolve_token,
    revoke_token,
)
from fireline.errors import Conflict, Forbidden, Problem
from fireline.listing import ListQuery
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import small_tree


def test_password_is_stored_as_argon2id(session: Session) -> None:
    small_tree(session)
    user = make_user(session, "ann", "investigator", "C1A")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_wrong_password_and_unknown_user_are_the_same_error(session: Session) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    with pytest.raises(InvalidCredentials) as wrong:
        authenticate(session, "ann", "not-the-password")
    with pytest.raises(InvalidCredentials) as unknown:
        authenticate(session, "nobody", "not-the-password")
    assert wrong.value.detail == unknown.value.detail


def test_inactive_user_cannot_log_in(session: Session) -> None:
    small_tree(session)
    user = make_user(session, "ann", "investigator", "C1A")
    user.is_active = False
    session.flush()
    with pytest.raises(InvalidCredentials):
        authenticate(session, "ann", PASSWORD)


def test_token_expires_and_only_its_digest_is_stored(session: Session) -> None:
    small_tree(session)
    user = make_user(session, "ann", "investigator", "C1A")
    now = datetime(2026, 3, 1, 8, tzinfo=UTC)
    issued = issue_token(session, user, kind="api", lifetime=timedelta(hours=1), now=now)
    session.flush()
    stored = session.scalars(select(AuthToken.token_hash)).all()
    assert issued.token not in stored
    assert resolve_token(session, issued.token, kind="api", now=now).user_id == user.id
    with pytest.raises(InvalidToken):
        resolve_token(session, issued.token, kind="api", now=now + timedelta(hours=1))
    with pytest.raises(InvalidToken):
        resolve_token(session, issued.token, kind="session", now=now)


def test_revoked_token_is_refused(session: Session) -> None:
    small_tree(session)
    user = make_user(session, "ann", "investigator", "C1A")
    issued = issue_token(session, user, kind="session", lifetime=timedelta(hours=1))
    session.flush()
    revoke_token(session, issued.token)
    with pytest.raises(InvalidToken):
        resolve_token(session, issued.token, kind="session")


def test_create_user_validates_and_audits(session: Session) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    with pytest.raises(Conflict):
        make_user(session, "ann", "viewer", "C1A")
    with pytest.raises(Problem, match="unknown role"):
        create_user(
            session,
            system_actor(),
            username="bo",
            password=PASSWORD,
            role="chief",
            jurisdiction_code="C1A",
        )
    with pytest.raises(Problem, match="at least 12"):
        create_user(
            session,
            system_actor(),
            username="bo",
            password="short",
            role="viewer",
            jurisdiction_code="C1A",
        )
    events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "user")).all()
    assert [e.action for e in events] == ["create"]
    assert PASSWORD not in str(events[0].detail)


def test_find_users_pages_the_subtree_with_filters_search_and_sort(session: Session) -> None:
    small_tree(session)
    for name, role, place in (
        ("ann", "investigator", "C1A"),
        ("bob", "viewer", "C1B"),
        ("cat", "investigator", "C2A"),
        ("boss", "admin", "C1"),
    ):
        make_user(session, name, role, place)
    boss = actor_for(session.scalars(select(User).where(User.username == "boss")).one())

    def names(**query: object) -> list[str]:
        found, _ = find_users(session, boss, ListQuery(**query))  # type: ignore[arg-type]
        return [u.username for u in found]

    assert names(sort="username", descending=False) == ["ann", "bob", "boss"]  # not cat (C2A)
    assert names() == ["boss", "bob", "ann"]  # newest first
    assert names(filters={"role": "investigator"}) == ["ann"]
    assert names(filters={"role": "nonsense"}) == ["boss", "bob", "ann"]
    assert names(q="BO", sort="username", descending=False) == ["bob", "boss"]
    found, total = find_users(session, boss, ListQuery(limit=1, offset=1))
    assert total == 3 and [u.username for u in found] == ["bob"]
    with pytest.raises(Forbidden):
        find_users(
            session,
            actor_for(session.scalars(select(User).where(User.username == "ann")).one()),
            ListQuery(),
        )
    assert [u.username for u in list_users(session, system_actor())] == [
        "ann",
        "bob",
        "boss",
        "cat",
    ]
