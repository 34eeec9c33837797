"""``fireline backup FILE`` and ``fireline restore FILE``: the whole database, either backend."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import Engine

from fireline.console import fail, out
from fireline.db.backup import BackupError, backup, restore, row_counts
from fireline.db.connect import open_engine


def _summary(engine: Engine) -> str:
    counts = row_counts(engine)
    return f"{len(counts)} tables, {sum(counts.values())} rows"


def backup_command(
    file: Path = typer.Argument(..., help="Where to write: a SQLite file or a pg_dump archive"),
) -> None:
    """Back up the configured database, consistently even while the server runs."""
    engine = open_engine()
    try:
        backup(engine, file)
    except BackupError as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    out.print(f"backup of {engine.dialect.name} written to {file} ({file.stat().st_size} bytes)")


def restore_command(
    file: Path = typer.Argument(..., help="A file written by `fireline backup`"),
    force: bool = typer.Option(False, "--force", help="Replace a database that is not empty"),
) -> None:
    """Restore a backup into the configured database (stop the server first)."""
    engine = open_engine()
    try:
        restore(engine, file, force=force)
        out.print(f"restored {file}: {_summary(engine)}")
    except BackupError as exc:
        fail(str(exc))
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
