"""``fireline serve``: the web app under uvicorn; it only serves (jobs: ``fireline worker``)."""

from __future__ import annotations

import typer
import uvicorn
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.console import err, out
from fireline.db.connect import open_engine
from fireline.db.engine import SERVER_THREADS, connection_limit
from fireline.settings import Settings

# Seconds an idle keep-alive connection stays open. Uvicorn's default (5 s) is shorter
# than a user's pause between clicks, so a click often raced the server closing the
# connection (a reset, seen as an error); browsers keep idle connections far longer and
# nginx keeps them 75 s (nginx docs, keepalive_timeout).
KEEP_ALIVE_S = 75


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
    _check_connections(engine, workers)
    # No access log: a request line carries its path and query (a name searched for, a
    # self-report link's token), and logs never hold personal data.
    if workers == 1:
        uvicorn.run(
            create_app(settings, engine=engine),
            host=host,
            port=port,
            log_level="info",
            access_log=False,
            timeout_keep_alive=KEEP_ALIVE_S,
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
        timeout_keep_alive=KEEP_ALIVE_S,
    )


def _check_connections(engine: Engine, workers: int) -> None:
    """Warn when the web workers' pools together could ask PostgreSQL for more
    connections than it accepts (each worker: one per server thread, db/engine.py)."""
    limit = connection_limit(engine)
    wanted = workers * SERVER_THREADS
    if limit is not None and wanted > limit:
        err.print(
            f"warning: {workers} web workers may open up to {wanted} database connections "
            f"and the server accepts {limit} (max_connections): use fewer workers or raise "
            "max_connections (or put PgBouncer in front)"
        )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
