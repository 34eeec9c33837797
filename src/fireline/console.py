"""What every command shares: settings, the database, and one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from fireline.db.engine import check_connection, make_engine, session_factory, transaction
from fireline.settings import Settings

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one clear line on stderr and exit non-zero."""
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def instant_option(value: str | None) -> datetime:
    """A ``--now`` option: an ISO 8601 instant (UTC when it has no offset), or now."""
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--now {value!r} is not an ISO 8601 instant (YYYY-MM-DDTHH:MM[+08:00])")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
