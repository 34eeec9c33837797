"""Opening the configured database for a command: checked to be reachable, one
transaction committed on success."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from fireline.db.engine import check_connection, make_engine, session_factory, transaction
from fireline.settings import Settings


def open_engine(settings: Settings | None = None) -> Engine:
    """An engine for the configured database, checked to be reachable."""
    engine = make_engine((settings or Settings()).database_url)
    check_connection(engine)
    return engine


@contextmanager
def database_session(
    settings: Settings | None = None, *, reading: bool = False
) -> Iterator[Session]:
    """One transaction on the configured database: committed on success. With
    ``reading``, it only reads, and on SQLite never waits for or takes the write lock."""
    engine = open_engine(settings)
    try:
        with transaction(session_factory(engine, reading=reading)) as session:
            yield session
    finally:
        engine.dispose()
