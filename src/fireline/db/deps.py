"""The request's database session: one transaction per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from fireline.db.engine import reading


def get_session(request: Request) -> Iterator[Session]:
    """Commit when the route returns, roll back when it raises."""
    factory: sessionmaker[Session] = request.app.state.sessions
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
