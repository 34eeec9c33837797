"""``fireline responses``: sweep, board, league table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from fireline.clock import FrozenClock
from fireline.console import fail, instant_option, out
from fireline.context import Context
from fireline.db.connect import database_session
from fireline.errors import Problem
from fireline.response import board as boards
from fireline.response import export
from fireline.response.league import INDICATORS
from fireline.response.leagues import league_of
from fireline.response.service import sweep
from fireline.response.settings import ResponseSettings
from fireline.settings import Settings

app = typer.Typer(help="Responses: sweep, boards, league table.", no_args_is_help=True)


def _context(settings: Settings, now: str | None) -> Context:
    """The system's context at ``--now`` (default: the moment the command runs)."""
    return Context.for_system(settings, FrozenClock(instant_option(now)))


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not an ISO date (YYYY-MM-DD)")


@app.command("sweep")
def sweep_command(
    now: str | None = typer.Option(None, help="Sweep as of this instant (default: now)"),
) -> None:
    """Open due responses, complete tasks with evidence, record escalations."""
    settings = Settings()
    context = _context(settings, now)
    with database_session(settings) as session:
        found = sweep(
            session, context.now(), profiles=context.profiles, settings=ResponseSettings()
        )
    out.print(
        f"{found.responses} responses opened, {found.cases_joined} cases joined, "
        f"{found.tasks} tasks created, {found.completed} completed by evidence, "
        f"{found.escalations} escalations"
    )


@app.command("board")
def board_command(
    jurisdiction: str = typer.Argument(..., help="Jurisdiction code"),
    now: str | None = typer.Option(None, help="As of this instant (default: now)"),
    limit: int = typer.Option(50, min=1, max=500),
) -> None:
    """Print a jurisdiction's open tasks, most urgent first."""
    settings = Settings()
    context = _context(settings, now)
    with database_session(settings) as session:
        found = boards.board(
            session, context, jurisdiction, ResponseSettings(), boards.BoardFilter(), limit
        )
    table = Table("task", "response", "type", "due (UTC)", "light", "step")
    for task in found.tasks:
        due = task.due_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(
            str(task.id), str(task.response_id), task.type, due, task.light, str(task.escalation)
        )
    out.print(table)
    out.print(" ".join(f"{k}: {v}" for k, v in sorted(found.counts.items())))


@app.command("league")
def league_command(
    jurisdiction: str = typer.Argument(..., help="The parent jurisdiction's code"),
    start: str | None = typer.Option(None, help="First day (default: 7 days before --end)"),
    end: str | None = typer.Option(None, help="Last day (default: today)"),
    output: Path | None = typer.Option(None, help="Write CSV or XLSX (by the file suffix)"),
    level: str | None = typer.Option(None, help="Rank the descendants at this level instead"),
    now: str | None = typer.Option(None, help="As of this instant (default: now)"),
) -> None:
    """Rank the children of a jurisdiction on the timeliness indicators."""
    last = _day(end, "--end") if end else None
    first = _day(start, "--start") if start else None
    if output is not None and output.suffix.lower() not in (".csv", ".xlsx"):
        fail(f"--output {output} must end in .csv or .xlsx")
    settings = Settings()
    context = _context(settings, now)
    try:
        with database_session(settings) as session:
            table = league_of(
                session,
                context,
                ResponseSettings().target_share,
                code=jurisdiction,
                start=first,
                end=last,
                level=level,
            ).rows
    except Problem as refused:
        fail(refused.detail or "the league table could not be made")
    if output is not None:
        data = export.to_xlsx(table) if output.suffix.lower() == ".xlsx" else export.to_csv(table)
        output.write_bytes(data)
        out.print(f"{len(table)} jurisdictions written to {output}")
        return
    shown = Table("rank", "code", *(i.key for i in INDICATORS))
    for row in table:
        cells = [row.cells[i.key] for i in INDICATORS]
        shown.add_row(
            str(row.rank),
            row.code,
            *(
                "-" if c.value is None else f"{c.value:.2f}" + (" !" if c.red else "")
                for c in cells
            ),
        )
    out.print(shown)
