"""``fireline zones``: the zones with their computed lift dates and what is missing."""

from __future__ import annotations

import typer
from rich.table import Table

from fireline.console import fail, instant_option, out
from fireline.context import Context
from fireline.db.connect import database_session
from fireline.errors import Problem
from fireline.settings import Settings
from fireline.zones import service
from fireline.zones.levels import LevelError, load_levels
from fireline.zones.schemas import Missing
from fireline.zones.status import status

app = typer.Typer(help="Risk zones: levels, lift dates, what is missing.", no_args_is_help=True)


def _short(missing: Missing) -> str:
    """``clean_days to 2026-12-01``, ``screening_round from 2026-11-30``, ``higher_zones 2``."""
    if missing.code == "clean_days":
        return f"clean_days to {missing.until}"
    if missing.code == "screening_round":
        return f"screening_round from {missing.until}"
    return f"{missing.code} {missing.count}" if missing.count is not None else missing.code


@app.command("list")
def list_zones(
    jurisdiction: str = typer.Option("", help="A jurisdiction code (default: everywhere)"),
    active: bool = typer.Option(False, "--active", help="Only zones not lifted"),
    now: str | None = typer.Option(None, "--now", help="The instant to compute at (default: now)"),
) -> None:
    """Every zone: level, last case, the earliest step down or lift, and what is missing."""
    try:
        levels = load_levels()
    except LevelError as exc:
        fail(str(exc))
    settings = Settings()
    context = Context.for_command(settings, instant_option(now) if now else None)
    table = Table(
        "zone", "name", "jurisdiction", "level", "last case", "next", "earliest", "missing"
    )
    with database_session(settings) as session:
        try:
            asked = context.within_code(session, jurisdiction or None)
        except Problem as problem:
            fail(problem.detail)
        zones = service.list_zones(session, asked.actor, active_only=active)
        for zone in zones:
            where = service.place_of(session, zone)
            found = status(session, zone, levels, context.today(where))
            if found is None:
                table.add_row(
                    str(zone.id),
                    zone.name,
                    where.code,
                    "lifted",
                    "-",
                    "-",
                    str(zone.lifted_on),
                    "-",
                )
                continue
            table.add_row(
                str(zone.id),
                zone.name,
                where.code,
                zone.level,
                str(found.last_case or "-"),
                found.next_level or "lift",
                str(found.earliest),
                "; ".join(_short(m) for m in found.missing) or "nothing",
            )
    if not zones:
        out.print("no zones")
        return
    out.print(table)
