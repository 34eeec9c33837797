"""The request's database session: one transaction per request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from typing import Annotated

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import contextmanager_in_threadpool
from sqlalchemy.orm import Session as Session  # re-exported: views type their session with it
from sqlalchemy.orm import sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from fireline.asgi import ResponseWatch
from fireline.db.engine import is_lock_conflict, optimistic, reading, transaction

RETRY = "fireline.retry"


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Commit when the route returns, roll back when it raises.

    A GET mostly reads, and writes at most its audit row: it begins DEFERRED so that
    it holds SQLite's write lock only if and when it writes, and fails at once rather
    than wait if another connection writes. If that write conflicts,
    ``RetryLockConflicts`` runs the request again in a transaction that waits for the
    lock (``BEGIN IMMEDIATE``). A request that waits for the lock first waits for
    ``write_gate`` on the event loop, holding no thread (docs/architecture.md, "Storage").
    """
    factory: sessionmaker[Session] = request.app.state.sessions
    async with AsyncExitStack() as stack:
        if request.method in ("GET", "HEAD") and not request.scope.get(RETRY):
            factory = optimistic(factory)
        elif _on_sqlite(factory):
            await stack.enter_async_context(write_gate(request.app))
        # Committed in a worker thread outside the thread pool's limit (FastAPI's
        # contextmanager_in_threadpool), so it never waits for a free thread.
        yield await stack.enter_async_context(contextmanager_in_threadpool(transaction(factory)))


def write_gate(app: FastAPI) -> anyio.Lock:
    """One waiting write transaction per process on SQLite, waiting on the event loop.

    A request's transaction runs in several of the thread pool's threads (one per sync
    dependency, then the route), and the pool is bounded (AnyIO's 40). Writers that
    waited for the lock inside those threads could fill it while the writer holding
    the lock waits for a thread to go on: nobody moves until the busy timeout.
    """
    gate: anyio.Lock | None = getattr(app.state, "write_gate", None)
    if gate is None:  # made on first use, on the event loop that serves the app
        gate = app.state.write_gate = anyio.Lock()
    return gate


def _on_sqlite(factory: sessionmaker[Session]) -> bool:
    bind = factory.kw.get("bind")
    return bind is not None and bind.dialect.name == "sqlite"


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
        watch = ResponseWatch(send)
        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if watch.started or not is_lock_conflict(exc):
                raise
            await self.app({**scope, RETRY: True}, receive, send)
