"""Listing and revoking sessions and API tokens: by their holder, or by an administrator
whose subtree holds the holder's jurisdiction (OWASP Session Management Cheat Sheet,
"Session expiration": sessions must be invalidable on the server side)."""

from __future__ import annotations

from typing import Final

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.models import AuthToken, User
from fireline.auth.scope import Actor
from fireline.errors import NotFound
from fireline.listing import ListQuery, ListSpec, every_row, search_filter_sort_paginate

KINDS: Final = ("session", "api")


def _held_by(session: Session, actor: Actor, user_id: int) -> User:
    """The user whose tokens the actor may manage: themself, or a user in scope."""
    if user_id != actor.user_id:
        actor.require("users:manage")
    user = session.get(User, user_id)
    if user is None or not actor.covers_path(user.jurisdiction.path):
        raise NotFound(f"user {user_id}")
    return user


def _kind(text: str) -> ColumnElement[bool] | None:
    return AuthToken.kind == text if text in KINDS else None


TOKENS: Final = ListSpec(
    sorts={
        "created": (AuthToken.created_at, AuthToken.id),
        "expires": (AuthToken.expires_at, AuthToken.id),
    },
    default_sort="created",
    filters={"kind": _kind},
)


def find_tokens(
    session: Session, actor: Actor, user_id: int, query: ListQuery
) -> tuple[list[AuthToken], int]:
    """One page of the live and expired tokens of a user (newest first unless sorted
    otherwise; never their values), and the total."""
    _held_by(session, actor, user_id)
    statement = select(AuthToken).where(AuthToken.user_id == user_id)
    return search_filter_sort_paginate(session, statement, TOKENS, query)


def list_tokens(session: Session, actor: Actor, user_id: int) -> list[AuthToken]:
    """Every token of a user, newest first (the account page lists them all)."""
    _held_by(session, actor, user_id)
    statement = select(AuthToken).where(AuthToken.user_id == user_id)
    return [token for (token,) in every_row(session, statement, TOKENS, ListQuery())]


def revoke(session: Session, actor: Actor, token_id: int) -> AuthToken:
    """Delete one token; 404 (saying nothing) when it is neither the actor's nor in scope."""
    token = session.get(AuthToken, token_id)
    if token is None:
        raise NotFound(f"token {token_id}")
    if token.user_id != actor.user_id and not (
        actor.can("users:manage") and actor.covers_path(token.user.jurisdiction.path)
    ):
        raise NotFound(f"token {token_id}")
    session.delete(token)
    session.flush()
    audit.record(
        session,
        actor,
        "revoke",
        "token",
        [token.id],
        jurisdiction_id=token.user.jurisdiction_id,
        user=token.user_id,
        kind=token.kind,
    )
    return token


def revoke_all(session: Session, actor: Actor, user_id: int, *, kind: str) -> int:
    """Delete every token of one kind of a user; how many there were."""
    user = _held_by(session, actor, user_id)
    gone = (
        session.execute(
            delete(AuthToken)
            .where(AuthToken.user_id == user.id, AuthToken.kind == kind)
            .returning(AuthToken.id)
        )
        .scalars()
        .all()
    )
    if gone:
        audit.record(
            session,
            actor,
            "revoke",
            "token",
            gone,
            jurisdiction_id=user.jurisdiction_id,
            user=user.id,
            kind=kind,
        )
    return len(gone)
