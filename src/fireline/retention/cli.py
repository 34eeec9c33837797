"""``fireline retention purge``: pseudonymise contacts due under the profiles' rules."""

from __future__ import annotations

import typer

from fireline.clock import FrozenClock
from fireline.console import instant_option, out
from fireline.context import Context
from fireline.db.connect import database_session
from fireline.retention.service import purge_closed_contacts
from fireline.settings import Settings

app = typer.Typer(help="Keep identifiers no longer than needed.", no_args_is_help=True)


@app.command()
def purge(
    apply: bool = typer.Option(
        False,
        "--apply/--dry-run",
        help="Pseudonymise now; the default only counts (both are audited).",
    ),
    now: str | None = typer.Option(None, help="As of this instant (default: now)"),
) -> None:
    """Pseudonymise contacts whose every quarantine closed more than the profile's days ago."""
    settings = Settings()
    context = Context.for_system(settings, FrozenClock(instant_option(now)))
    with database_session(settings) as session:
        summary = purge_closed_contacts(session, context, dry_run=not apply)
    rules = ", ".join(f"{code} {days} d" for code, days in summary.rules.items()) or "none"
    out.print(f"rules: {rules}")
    if summary.dry_run:
        out.print(f"{summary.eligible} contacts due (dry run: nothing changed; --apply to purge)")
    else:
        out.print(f"{summary.pseudonymised} contacts pseudonymised")
