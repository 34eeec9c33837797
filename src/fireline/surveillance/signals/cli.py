"""``fireline signals``: run the daily signals, list alerts."""

from __future__ import annotations

from datetime import date, datetime

import typer
from rich.table import Table

from fireline.auth.scope import system_actor
from fireline.console import fail, out
from fireline.context import Context
from fireline.db.connect import database_session
from fireline.listing import ListQuery
from fireline.settings import Settings
from fireline.surveillance.signals import service

app = typer.Typer(help="Daily signals and alerts.", no_args_is_help=True)


def _parse_date(value: str | None) -> date:
    if value is None:  # today in the province, on the command's clock
        return Context.for_command(Settings()).today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        fail(f"--date {value!r} is not an ISO date (YYYY-MM-DD)")


@app.command()
def run(
    date_: str | None = typer.Option(None, "--date", help="Signal date, default today"),
) -> None:
    """Compute EARS signals, and Farrington where the history allows, for every
    jurisdiction and disease; raise alerts."""
    signal_date = _parse_date(date_)
    options = service.SignalOptions(week_system=Settings().week_system)
    with database_session() as session:
        summary = service.run_signals(session, system_actor(), signal_date, options)
    out.print(f"{summary.signal_date}: {summary.series} series, {summary.alerts} alerts")


@app.command("list")
def list_command(
    status: str = typer.Option(
        "open", help="open, closed (acknowledged or dismissed), acknowledged, dismissed or all"
    ),
    limit: int = typer.Option(50, min=1, max=500),
) -> None:
    """Print the newest alerts."""
    with database_session() as session:
        alerts, total = service.list_alerts(
            session, system_actor(), ListQuery({"status": status}, limit=limit)
        )
        table = Table("date", "jurisdiction", "disease", "method", "observed", "threshold", "score")
        for a, place in alerts:
            table.add_row(
                str(a.signal_date),
                place.code,
                a.disease,
                a.method,
                f"{a.observed:g}",
                "–" if a.threshold is None else f"{a.threshold:.2f}",
                f"{a.score:.2f}",
            )
    out.print(table)
    out.print(f"{len(alerts)} of {total} {status} alerts")
