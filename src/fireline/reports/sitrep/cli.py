"""``fireline sitrep``: the daily situation report of one jurisdiction, written to a file."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import typer
from sqlalchemy import select

from fireline.clock import FrozenClock
from fireline.console import fail, instant_option, out
from fireline.context import Context
from fireline.db.connect import database_session
from fireline.errors import Problem
from fireline.places.models import Jurisdiction
from fireline.reports.sitrep import service
from fireline.reports.sitrep.settings import SitrepSettings
from fireline.settings import Settings
from fireline.web.i18n import LANGUAGES

SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--date {value!r} is not an ISO date (YYYY-MM-DD)")


def _format_of(path: Path) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        fail(f"--out {str(path)!r} must end in .pdf or .html")
    return fmt


def sitrep_command(
    jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="Jurisdiction code"),
    day: str | None = typer.Option(
        None, "--date", help="Report date (YYYY-MM-DD); default: yesterday there"
    ),
    out_file: Path = typer.Option(..., "--out", help="File to write: FILE.pdf or FILE.html"),
    language: str = typer.Option("zh", "--language", help="zh or en"),
    disease: str | None = typer.Option(None, help="Default: FIRELINE_SITREP_DISEASE"),
    now: str | None = typer.Option(None, help="As of this instant (default: now)"),
) -> None:
    """Write the daily situation report of a jurisdiction as PDF or HTML."""
    if language not in LANGUAGES:
        fail(f"--language {language!r} must be one of {', '.join(LANGUAGES)}")
    fmt, chosen = _format_of(out_file), _day(day)
    settings = Settings()
    context = Context.for_system(settings, FrozenClock(instant_option(now)))
    try:
        with database_session(settings, reading=True) as session:
            place = session.scalars(
                select(Jurisdiction).where(Jurisdiction.code == jurisdiction)
            ).first()
            if place is None:
                fail(f"no jurisdiction {jurisdiction!r}")
            chosen = chosen or context.today(place) - timedelta(days=1)
            if chosen > context.today(place):
                fail(f"--date {chosen.isoformat()} has not begun in {jurisdiction}")
            found = service.figures(
                session, context, jurisdiction, chosen, disease or SitrepSettings().disease
            )
            made = service.document(found, language, fmt)
    except Problem as exc:
        fail(exc.detail)
    try:
        out_file.write_bytes(made.content)
    except OSError as exc:
        fail(f"cannot write {str(out_file)!r}: {exc.strerror}")
    out.print(f"wrote {out_file} ({len(made.content):,} bytes, {jurisdiction}, {chosen})")


def register(app: typer.Typer) -> None:
    app.command("sitrep")(sitrep_command)
