"""``fireline cases import``: load a line list from CSV or XLSX; the load is one transaction."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import select

from fireline.auth.models import User
from fireline.auth.scope import Actor, system_actor
from fireline.auth.service import actor_for
from fireline.clock import SystemClock
from fireline.console import fail, out
from fireline.context import Context
from fireline.db.connect import database_session
from fireline.errors import Problem
from fireline.settings import Settings
from fireline.surveillance.intake import batches
from fireline.surveillance.intake.columns import missing_required, parse_pairs

app = typer.Typer(help="Case reports.", no_args_is_help=True)
SHOWN_PROBLEMS = 10


def _actor(session: object, username: str | None) -> Actor:
    if not username:
        return system_actor()
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.is_active:
        fail(f"no active user named {username!r}")
    return actor_for(user)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="CSV (UTF-8, UTF-8 with BOM, GB18030) or XLSX"),
    disease: str = typer.Option(..., help="Disease code, e.g. covid19"),
    source: str = typer.Option(
        "file", help="Where the rows come from; with the ID it makes a repeated row a no-op"
    ),
    mapping: str | None = typer.Option(None, "--mapping", help="A saved column mapping's name"),
    map_: list[str] = typer.Option([], "--map", help="field=header, repeatable"),
    good_rows_only: bool = typer.Option(
        False, "--good-rows-only", help="Load the good rows even if some are bad"
    ),
    classification: str = typer.Option("suspected", help="For rows without a classification"),
    as_user: str | None = typer.Option(
        None,
        "--as",
        help="Import as this user (scope and audit); default: the administrator (whole tree)",
    ),
) -> None:
    """Import cases; a file with bad rows stores no case unless --good-rows-only."""
    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        options = batches.ImportOptions(
            disease=disease,
            source=source,
            default_classification=classification,
            mapping=parse_pairs(map_),
            mapping_name=mapping,
        )
        content = file.read_bytes()
        settings = Settings()
        with database_session(settings, reading=True) as session:
            # The deployment's profiles (FIRELINE_DISEASE_DIR) know the disease.
            context = Context.build(_actor(session, as_user), settings, SystemClock())
            prepared = batches.prepare_file(
                session, context, filename=file.name, content=content, options=options
            )
        # The file is read and validated above, outside the write lock.
        with database_session(settings) as session:
            batch = batches.import_file(
                session,
                context,
                filename=file.name,
                content=content,
                options=options,
                good_rows_only=good_rows_only,
                prepared=prepared,
            )
            shown = [
                (p.line, p.column, p.value, p.message, p.severity)
                for p in batches.first_problems(session, batch, SHOWN_PROBLEMS)
            ]
            total_problems = batches.problem_count(session, batch)
    except Problem as exc:
        fail(f"{file}: {exc.detail}")
    out.print(
        f"import {batch.id}: {batch.total_rows} rows, {batch.cases_created} cases created, "
        f"{batch.persons_created} persons created, {batch.persons_reused} persons reused, "
        f"{batch.duplicate_rows} skipped as imported before, {batch.bad_rows} bad rows, "
        f"{batch.matches_proposed} possible duplicate persons to review",
        soft_wrap=True,
    )
    for line, column, value, message, severity in shown:
        where = f"line {line}" + (f", {column}" if column else "")
        shown_value = f" ({value!r})" if value else ""
        suffix = " [skipped]" if severity == "skipped" else ""
        out.print(f"  {where}{shown_value}: {message}{suffix}", soft_wrap=True)
    if total_problems > len(shown):
        more = total_problems - len(shown)
        out.print(f"  ... and {more} more in the report of import {batch.id}", soft_wrap=True)
    if batch.status == "needs_mapping":
        fail(
            "required columns are not mapped: "
            + ", ".join(missing_required(batch.mapping))
            + " (use --map field=header)"
        )
    if batch.status != "committed":
        fail(f"{batch.bad_rows} bad rows; nothing was imported (fix them, or use --good-rows-only)")
