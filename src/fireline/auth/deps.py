"""Who is calling: a bearer token for the API, a session cookie for pages."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from fireline.auth.models import AuthToken
from fireline.auth.scope import Actor
from fireline.auth.service import InvalidToken, actor_for, resolve_token
from fireline.db.deps import DbSession
from fireline.errors import Problem

SESSION_COOKIE = "fireline_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotLoggedIn(Exception):
    """A page needs a logged-in user; the app redirects to the login page."""


def client_address(request: Request) -> str:
    """The peer's address (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def session_token(request: Request, session: Session) -> AuthToken | None:
    """The live page session of this request, if any."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        return resolve_token(session, cookie, kind="session")
    except InvalidToken:
        return None


def check_csrf(request: Request, token: AuthToken, submitted: str | None) -> None:
    """Unsafe requests authenticated by cookie must echo the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    expected = token.csrf_token or ""
    if not submitted or not secrets.compare_digest(submitted, expected):
        raise Problem(403, "the form has expired or did not come from Fireline; reload the page")


def api_actor(request: Request, session: DbSession) -> Actor:
    """The API caller, by ``Authorization: Bearer`` or, from pages, by session cookie."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        found = resolve_token(session, header[7:].strip(), kind="api")
        return actor_for(found.user)
    token = session_token(request, session)
    if token is None:
        raise InvalidToken()
    check_csrf(request, token, request.headers.get(CSRF_HEADER))
    return actor_for(token.user)


ApiActor = Annotated[Actor, Depends(api_actor)]
