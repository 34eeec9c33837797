"""``fireline serve``: the web app under uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from fireline.app import create_app
from fireline.console import open_engine, out
from fireline.settings import Settings


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8000, help="Port to listen on"),
) -> None:
    """Serve the pages and the JSON API."""
    settings = Settings(run_scheduler=True)
    engine = open_engine(settings)
    out.print(f"Fireline on http://{host}:{port} (database: {engine.dialect.name})")
    uvicorn.run(create_app(settings, engine=engine), host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
