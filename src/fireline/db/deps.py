"""The request's database session: one transaction per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fireline.db.engine import is_lock_conflict, optimistic, reading

RETRY = "fireline.retry"


def get_session(request: Request) -> Iterator[Session]:
    """Commit when the route returns, roll back when it raises.

    A GET mostly reads, and writes at most its audit row: it begins DEFERRED so that
    it holds SQLite's write lock only if and when it writes. If that write conflicts,
    ``RetryLockConflicts`` runs the request again in a transaction that waits for the
    lock (``BEGIN IMMEDIATE``).
    """
    factory: sessionmaker[Session] = request.app.state.sessions
    if request.method in ("GET", "HEAD") and not request.scope.get(RETRY):
        factory = optimistic(factory)
    with factory() as session, session.begin():
        yield session


# scope="function" commits before the response is sent, so a failed commit
# still becomes the response (FastAPI docs, "Dependencies with yield").
DbSession = Annotated[Session, Depends(get_session, scope="function")]


def get_read_session(request: Request) -> Iterator[Session]:
    """A session that only reads: on SQLite it neither takes nor waits for the write
    lock, so slow work between its reads (a password hash) holds up no writer. It has
    nothing to commit; a route may close it early to give its connection back."""
    factory: sessionmaker[Session] = reading(request.app.state.sessions)
    with factory() as session:
        yield session


ReadSession = Annotated[Session, Depends(get_read_session, scope="function")]


class RetryLockConflicts:
    """Run a GET again, once, when its deferred transaction could not take the write
    lock (SQLite); it has not answered yet, since the session commits before the
    response (``DbSession``). A GET has no body to replay."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started or not is_lock_conflict(exc):
                raise
            await self.app({**scope, RETRY: True}, receive, send)
