"""What every command shares: output, one-line errors, the ``--now`` option. Opening the
configured database is :mod:`fireline.db.connect`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one clear line on stderr and exit non-zero."""
    # The message is text, not markup: a file named "cases [march].csv" prints as is.
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
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
