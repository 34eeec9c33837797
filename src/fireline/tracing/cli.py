"""``fireline tracing``: import infector links with a validation report; link converted contacts."""

from __future__ import annotations

from pathlib import Path

import typer

from fireline.auth.scope import system_actor
from fireline.console import fail, out
from fireline.db.connect import database_session
from fireline.errors import Problem
from fireline.tracing.linkimport import LinkImport, import_links
from fireline.tracing.links import link_contacts_who_became_cases

app = typer.Typer(help="Investigation: transmission links and chains.", no_args_is_help=True)
SHOWN_PROBLEMS = 20


def _read(path: Path) -> str:
    if not path.is_file():
        fail(f"{path}: no such file")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail(f"{path} is not a UTF-8 text file")


def _print(report: LinkImport) -> None:
    warnings = len(report.problems) - report.errors
    out.print(
        f"{report.rows} links read, {report.loaded} stored, {report.errors} errors, "
        f"{warnings} warnings",
        soft_wrap=True,
    )
    for p in report.problems[:SHOWN_PROBLEMS]:
        out.print(f"  {p.file} line {p.line}, {p.kind} ({p.severity}): {p.message}", soft_wrap=True)
    if len(report.problems) > SHOWN_PROBLEMS:
        out.print(f"  ... and {len(report.problems) - SHOWN_PROBLEMS} more", soft_wrap=True)


@app.command("import-links")
def import_links_command(
    file: Path = typer.Argument(..., help="CSV with from,to (epicontacts) or infector,case_id"),
    source: str = typer.Option("file", help="The source the cases were imported with"),
    linelist: Path | None = typer.Option(
        None, help="The line list, to check generations and onset against infection"
    ),
    good_rows_only: bool = typer.Option(
        False, "--good-rows-only", help="Store the good links even if some are bad"
    ),
) -> None:
    """Import links between cases; a file with bad rows stores nothing unless --good-rows-only."""
    links_text = _read(file)
    linelist_text = _read(linelist) if linelist is not None else None
    try:
        with database_session() as session:
            report = import_links(
                session,
                system_actor(),
                links_text=links_text,
                source=source,
                linelist_text=linelist_text,
                good_rows_only=good_rows_only,
            )
    except Problem as exc:
        fail(f"{file}: {exc.detail}")
    _print(report)
    if not report.committed:
        fail(f"{report.errors} bad links; nothing was stored (fix them, or use --good-rows-only)")


@app.command("link-cases")
def link_cases_command() -> None:
    """Link infector → infectee for every listed contact who has become a case."""
    with database_session() as session:
        made = link_contacts_who_became_cases(session)
    out.print(f"{made} links made from contacts who became cases")
