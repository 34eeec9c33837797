"""``fireline jurisdictions``: import and list the tree."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import select

from fireline.auth.scope import system_actor
from fireline.console import fail, out
from fireline.db.connect import database_session
from fireline.jurisdictions.importer import JurisdictionImportError, import_jurisdictions
from fireline.places.models import Jurisdiction

app = typer.Typer(help="The jurisdiction tree.", no_args_is_help=True)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="CSV: code,name_zh,name_en,level,parent_code,..."),
) -> None:
    """Create or update jurisdictions from a CSV file; a bad row stores nothing."""
    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        with database_session() as session:
            report = import_jurisdictions(session, system_actor(), file)
    except JurisdictionImportError as exc:
        for error in exc.errors[1:]:
            out.print(f"  line {error.line}: {error.message}", style="red")
        fail(f"{file}: {exc}; nothing was imported")
    out.print(f"{report.created} jurisdictions created, {report.updated} updated")


@app.command("list")
def list_command(level: str | None = typer.Option(None, help="Only this level")) -> None:
    """Print the tree."""
    with database_session() as session:
        statement = select(Jurisdiction).order_by(Jurisdiction.path)
        if level:
            statement = statement.where(Jurisdiction.level == level)
        table = Table("code", "name", "名称", "level", "population")
        for j in session.scalars(statement):
            indent = "  " * j.depth
            table.add_row(j.code, indent + j.name_en, j.name_zh, j.level, str(j.population or ""))
    out.print(table)
