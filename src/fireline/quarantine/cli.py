"""``fireline quarantine``: today's due list (counts and order numbers; names stay on the
pages, where reading them is audited) and the completion run."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from fireline.auth.scope import system_actor
from fireline.console import fail, out
from fireline.context import Context
from fireline.db.connect import database_session
from fireline.errors import Problem
from fireline.quarantine import duelist, staff
from fireline.quarantine.jobs import local_today
from fireline.quarantine.outcomes import complete_finished
from fireline.quarantine.settings import QuarantineSettings
from fireline.settings import Settings

app = typer.Typer(help="Quarantine: follow-up lists and completion.", no_args_is_help=True)
FLAGS = ("reported_today", "test_due", "non_reporting", "symptomatic")


@app.command("due")
def due(
    jurisdiction: str = typer.Option("", help="A jurisdiction code (default: everywhere)"),
    limit: int = typer.Option(20, min=0, help="Orders to list after the counts"),
) -> None:
    """Today's follow-up list: counts, then the most urgent orders with their flags."""
    now = Context.for_command(Settings()).now()
    with database_session(Settings()) as session:
        actor = system_actor()
        try:
            place = actor.jurisdiction(session, jurisdiction) if jurisdiction else None
        except Problem as problem:
            fail(problem.detail)
        day = (
            now.astimezone(ZoneInfo(place.timezone)).date() if place else local_today(session, now)
        )
        f = duelist.flags(day, now, QuarantineSettings().non_reporting_hours)
        counts = duelist.summary(session, actor, place, f, None)
        rows, total = duelist.due_rows(
            session, actor, place, f, which="all", assignee_id=None, limit=limit, offset=0
        )
    out.print(
        f"{day}: {counts.active} active, {counts.to_contact} to contact, "
        f"{counts.test_due} test due, {counts.non_reporting} not reporting, "
        f"{counts.symptomatic} symptomatic; {total} due"
    )
    if rows:
        table = Table("order", "kind", "ends", "flags")
        for row in rows:
            flags = ", ".join(name for name in FLAGS if getattr(row, name))
            table.add_row(str(row.order_id), row.kind, row.end_date.isoformat(), flags or "-")
        out.print(table)


@app.command("complete")
def complete(
    on: str = typer.Option("", "--date", help="As of this day, YYYY-MM-DD (default: today)"),
) -> None:
    """Close the quarantines whose period ended before the day with a clean last report."""
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        fail(f"--date {on!r} is not a date (YYYY-MM-DD)")
    now = Context.for_command(Settings()).now()
    with database_session(Settings()) as session:
        as_of = day or local_today(session, now)
        done = complete_finished(session, as_of, now)
    out.print(f"{done} quarantine orders completed as of {as_of}")


@app.command("staff")
def assign_staff(
    username: str = typer.Argument(help="A user with the facility role"),
    facility_id: int = typer.Argument(help="The facility they work at (its number)"),
) -> None:
    """Tie a facility user to a facility: they then admit, place in rooms, follow up and
    release the orders held there."""
    with database_session(Settings()) as session:
        actor = system_actor()
        try:
            user_id = staff.user_named(session, actor, username)
            staff.assign(session, actor, user_id=user_id, facility_id=facility_id)
        except Problem as problem:
            fail(problem.detail)
        session.commit()
    out.print(f"{username} works at facility {facility_id}")
