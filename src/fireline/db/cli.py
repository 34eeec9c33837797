"""``fireline db``: schema migrations."""

from __future__ import annotations

import typer

from fireline.console import out
from fireline.db import migrate
from fireline.db.connect import open_engine

app = typer.Typer(help="Create and upgrade the database schema.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Create or upgrade the schema to the newest revision (safe to run twice)."""
    engine = open_engine()
    migrate.upgrade(engine, revision)
    out.print(f"database at {engine.url.render_as_string(hide_password=True)} is at {revision}")
