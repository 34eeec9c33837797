"""Listing and revoking sessions and API tokens: by their holder, or by an administrator
whose subtree holds the holder's jurisdiction (OWASP Session Management Cheat Sheet,
"Session expiration": sessions must be invalidable on the server side)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.models import AuthToken, User
from fireline.auth.scope import Actor
from fireline.errors import NotFound


def _held_by(session: Session, actor: Actor, user_id: int) -> User:
    """The user whose tokens the actor may manage: themself, or a user in scope."""
    if user_id != actor.user_id:
        actor.require("users:manage")
    user = session.get(User, user_id)
    if user is None or not actor.covers_path(user.jurisdiction.path):
        raise NotFound(f"user {user_id}")
    return user


def list_tokens(session: Session, actor: Actor, user_id: int) -> list[AuthToken]:
    """The live and expired tokens of a user, newest first (never their values)."""
    _held_by(session, actor, user_id)
    statement = (
        select(AuthToken)
        .where(AuthToken.user_id == user_id)
        .order_by(AuthToken.created_at.desc(), AuthToken.id.desc())
    )
    return list(session.scalars(statement))


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
        session, actor, "revoke", "token", [token.id],
        jurisdiction_id=token.user.jurisdiction_id, user=token.user_id, kind=token.kind,
    )  # fmt: skip
    return token


def revoke_all(session: Session, actor: Actor, user_id: int, *, kind: str) -> int:
    """Delete every token of one kind of a user; how many there were."""
    user = _held_by(session, actor, user_id)
    gone = session.execute(
        delete(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.kind == kind)
        .returning(AuthToken.id)
    ).scalars().all()
    if gone:
        audit.record(
            session, actor, "revoke", "token", gone,
            jurisdiction_id=user.jurisdiction_id, user=user.id, kind=kind,
        )  # fmt: skip
    return len(gone)
