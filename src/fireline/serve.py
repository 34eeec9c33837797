"""``fireline serve``: the web app under uvicorn; it only serves (jobs: ``fireline worker``)."""

from __future__ import annotations

import typer
import uvicorn

from fireline.app import create_app
from fireline.console import out
from fireline.db.connect import open_engine
from fireline.settings import Settings


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8000, help="Port to listen on"),
    workers: int = typer.Option(1, min=1, help="Web worker processes"),
) -> None:
    """Serve the pages and the JSON API (run `fireline worker` beside it for the jobs)."""
    settings = Settings()
    engine = open_engine(settings)
    out.print(
        f"Fireline on http://{host}:{port} (database: {engine.dialect.name}, "
        f"{workers} web worker{'s' if workers > 1 else ''})"
    )
    # No access log: a request line carries its path and query (a name searched for, a
    # self-report link's token), and logs never hold personal data.
    if workers == 1:
        uvicorn.run(
            create_app(settings, engine=engine),
            host=host,
            port=port,
            log_level="info",
            access_log=False,
        )
        return
    engine.dispose()
    # Several processes need the app by name: each builds its own from FIRELINE_*.
    uvicorn.run(
        "fireline.app:create_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        access_log=False,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
