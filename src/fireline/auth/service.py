"""Users, log-in, sessions and bearer tokens."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session, object_session

from fireline.auth import audit, throttle
from fireline.auth.models import AuthToken, User
from fireline.auth.passwords import dummy_hash, hash_password, hashing_slot, verify_password
from fireline.auth.roles import ROLE_NAMES
from fireline.auth.scope import Actor, subtree_of
from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery, ListSpec, every_row, search_filter_sort_paginate


class InvalidCredentials(Problem):
    def __init__(self) -> None:
        super().__init__(401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"})


class InvalidToken(Problem):
    def __init__(self) -> None:
        super().__init__(
            401, "the token is missing, expired or revoked", headers={"WWW-Authenticate": "Bearer"}
        )


class TooManyAttempts(Problem):
    def __init__(self, wait: timedelta) -> None:
        seconds = max(1, math.ceil(wait.total_seconds()))
        super().__init__(
            429,
            "too many failed log-ins; wait and try again",
            headers={"Retry-After": str(seconds)},
            retry_after=seconds,
        )


@dataclass(frozen=True)
class IssuedToken:
    token: str
    csrf_token: str | None
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_for(user: User) -> Actor:
    """The actor of a signed-in user, with the ids of their subtree when the user is
    attached to a session (scope.Actor.subtree)."""
    session = object_session(user)
    path = user.jurisdiction.path
    return Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        jurisdiction_id=user.jurisdiction_id,
        jurisdiction_path=path,
        language=user.language,
        subtree=None if session is None else subtree_of(session, path),
    )


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    jurisdiction_code: str,
    full_name: str = "",
    language: str = "en",
) -> User:
    """Create a user inside the actor's subtree; passwords are stored as argon2id hashes."""
    actor.require("users:manage")
    if role not in ROLE_NAMES:
        raise Problem(422, f"unknown role {role!r}; roles are {', '.join(ROLE_NAMES)}")
    jurisdiction = actor.jurisdiction(session, jurisdiction_code)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"the username {username!r} is taken")
    try:
        password_hash = hash_password(password, username=username)
    except ValueError as exc:
        raise Problem(422, str(exc)) from exc
    user = User(
        username=username,
        full_name=full_name,
        password_hash=password_hash,
        role=role,
        jurisdiction_id=jurisdiction.id,
        language=language,
    )
    session.add(user)
    session.flush()
    audit.record(
        session, actor, "create", "user", [user.id], jurisdiction_id=jurisdiction.id, role=role
    )
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with these credentials, or InvalidCredentials."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.is_active:
        verify_password(dummy_hash(), password)
        raise InvalidCredentials()
    if not verify_password(user.password_hash, password):
        raise InvalidCredentials()
    return user


@dataclass(frozen=True)
class LogInCheck:
    """A password checked, not yet written down: ``refusal`` is the answer if it failed."""

    username: str
    address: str
    now: datetime
    user_id: int | None
    refusal: InvalidCredentials | TooManyAttempts | None


def check_log_in(
    reading: Session, username: str, password: str, *, address: str, now: datetime
) -> LogInCheck:
    """``authenticate`` behind the throttle, in ``reading`` (a read-only session): the
    hash takes long on purpose, so it runs before any write transaction begins, one
    hash per core at most. ``record_log_in`` writes the outcome."""
    keys = [throttle.account_key(username), throttle.address_key(address)]
    # The slot is taken before the first query, so a log-in waiting for its turn holds
    # no pooled connection; the connection goes back as soon as the check is done.
    with hashing_slot():
        try:
            wait = throttle.locked_for(reading, keys, now)
            if wait is not None:
                return LogInCheck(username, address, now, None, TooManyAttempts(wait))
            user = authenticate(reading, username, password)
        except InvalidCredentials as refused:
            return LogInCheck(username, address, now, None, refused)
        finally:
            reading.close()
    return LogInCheck(username, address, now, user.id, None)


def record_log_in(session: Session, check: LogInCheck) -> User:
    """Write a checked log-in's outcome: every refusal is counted and audited, then
    raised. The caller must commit after a refusal too (return the error, do not raise
    it out of the request's transaction), or the failure would not count."""
    if isinstance(check.refusal, TooManyAttempts):
        _audit_failure(session, check.username, "locked")
        raise check.refusal
    if check.refusal is not None or check.user_id is None:
        throttle.record_failure(session, check.username, check.address, check.now)
        _audit_failure(session, check.username, "password")
        raise check.refusal or InvalidCredentials()
    throttle.record_success(session, check.username)
    return session.get_one(User, check.user_id)


def _audit_failure(session: Session, username: str, reason: str) -> None:
    """A failed log-in, in the account's jurisdiction so its administrators see it.

    An unknown name is not written down: people type their password into it by mistake.
    """
    user = session.scalars(select(User).where(User.username == username)).first()
    anonymous = Actor(None, "anonymous", "viewer", 0, "/")
    audit.record(
        session,
        anonymous,
        "login_failed",
        "user",
        [user.id] if user else [],
        jurisdiction_id=user.jurisdiction_id if user else None,
        reason=reason,
    )


def issue_token(
    session: Session, user: User, *, kind: str, lifetime: timedelta, now: datetime | None = None
) -> IssuedToken:
    """A new random token; only its digest is stored, so a database leak reveals none.

    Log-ins expire by the wall clock, not the app's clock: a clock frozen or moved for
    a demo or a replay must neither stretch nor cut a session (docs/security.md)."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == "session" else None
    expires_at = now + lifetime
    session.add(
        AuthToken(
            token_hash=_digest(token),
            kind=kind,
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=expires_at,
        )
    )
    actor = actor_for(user)
    audit.record(
        session, actor, "login", "user", [user.id], jurisdiction_id=user.jurisdiction_id, kind=kind
    )
    return IssuedToken(token, csrf, expires_at)


def resolve_token(
    session: Session, token: str, *, kind: str, now: datetime | None = None
) -> AuthToken:
    """The live token record, or InvalidToken (expiry by the wall clock, as issued)."""
    now = now or datetime.now(UTC)
    found = session.scalars(
        select(AuthToken).where(AuthToken.token_hash == _digest(token), AuthToken.kind == kind)
    ).first()
    if found is None or not found.user.is_active:
        raise InvalidToken()
    expires_at = found.expires_at
    if expires_at.tzinfo is None:  # SQLite returns naive datetimes; they are UTC
        expires_at = expires_at.replace(tzinfo=UTC)
    if expires_at <= now:
        raise InvalidToken()
    return found


def revoke_token(session: Session, token: str) -> None:
    session.execute(delete(AuthToken).where(AuthToken.token_hash == _digest(token)))


def _role(text: str) -> ColumnElement[bool] | None:
    return User.role == text if text in ROLE_NAMES else None


def _active(text: str) -> ColumnElement[bool] | None:
    """``active=true`` or ``false`` (also 1/0, yes/no); anything else lists both."""
    value = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    wanted = value.get(text.lower())
    return None if wanted is None else User.is_active.is_(wanted)


def _search_users(text: str) -> list[ColumnElement[bool]]:
    words = text.lower()
    return [
        func.lower(User.username).contains(words, autoescape=True),
        func.lower(User.full_name).contains(words, autoescape=True),
    ]


USERS: Final = ListSpec(
    sorts={
        "username": (User.username,),
        "created": (User.created_at, User.id),
        "role": (User.role, User.username),
    },
    default_sort="created",
    filters={"role": _role, "active": _active},
    search=_search_users,
)


def find_users(session: Session, actor: Actor, query: ListQuery) -> tuple[list[User], int]:
    """One page of the users whose home jurisdiction is in the actor's subtree (newest
    first unless sorted otherwise; ``q`` searches user names and full names), and the
    total."""
    actor.require("users:manage")
    statement = actor.restrict(select(User), User)
    return search_filter_sort_paginate(session, statement, USERS, query)


def list_users(session: Session, actor: Actor) -> list[User]:
    """Every user in the actor's subtree by user name (the ``fireline users list`` command)."""
    actor.require("users:manage")
    statement = actor.restrict(select(User), User)
    by_name = ListQuery(sort="username", descending=False)
    return [user for (user,) in every_row(session, statement, USERS, by_name)]
