"""``fireline export``: the pseudonymised line list and DHIS2 weekly aggregates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer
from rich.markup import escape

from fireline.console import err, fail, out
from fireline.context import Context
from fireline.db.connect import open_engine
from fireline.db.engine import session_factory, transaction
from fireline.errors import Problem
from fireline.exports import dhis2, linelist, linelist_copy
from fireline.listing import ListQuery
from fireline.settings import Settings

app = typer.Typer(help="Exports: pseudonymised line lists, DHIS2 aggregates.", no_args_is_help=True)


@app.command("linelist")
def export_linelist(
    key: str = typer.Option(..., "--key", help="The pseudonym key's name (same name, same ids)"),
    out_file: Path = typer.Option(..., "--out", help="The file to write"),
    fmt: str = typer.Option("csv", "--format", help="csv, xlsx or parquet"),
    weeks: bool = typer.Option(False, "--weeks", help="Dates as epidemiological weeks"),
    jurisdiction: str = typer.Option("", help="Only this jurisdiction's subtree (a code)"),
    disease: str = typer.Option("", help="Only this disease"),
    classification: str = typer.Option("", help="Only this classification"),
) -> None:
    """Write the pseudonymised line list (no names, ID numbers, phones, addresses or birth
    dates; an age band instead). Audited as an export by the system."""
    settings = Settings()
    context = Context.for_command(settings)
    filters = {"disease": disease, "classification": classification}
    query = ListQuery(filters={k: v for k, v in filters.items() if v})
    engine = open_engine(settings)
    sessions = session_factory(engine)
    try:
        with transaction(sessions) as session:
            scoped = context.within_code(session, jurisdiction or None)
            plan = linelist.plan(session, scoped, linelist.Ask(fmt, key, weeks, query))
        with out_file.open("wb") as file:
            for piece in linelist_copy.stream(sessions, plan):
                file.write(piece)
    except Problem as problem:
        fail(escape(problem.detail))
    except OSError as exc:
        fail(escape(f"cannot write {out_file}: {exc.strerror or exc}"))
    finally:
        engine.dispose()
    out.print(f"{plan.rows:,} cases written to {escape(str(out_file))} ({plan.format})")


@app.command("dhis2")
def export_dhis2(
    week: str = typer.Option(..., help="An ISO week, e.g. 2026W49"),
    jurisdiction: str = typer.Option(..., help="The jurisdiction whose subtree is sent"),
    mapping: Path | None = typer.Option(None, help="The mapping file (default: the shipped one)"),
    out_file: Path | None = typer.Option(None, "--out", help="The file (default: stdout)"),
) -> None:
    """Print (or write) the week's figures as a DHIS2 dataValueSets JSON document."""
    settings = Settings()
    context = Context.for_command(settings)
    path = mapping or settings.dhis2_mapping or dhis2.shipped_mapping()
    try:
        rules = dhis2.read_mapping(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(escape(f"cannot read {path}: {exc.strerror or exc}"))
    except Problem as problem:
        fail(escape(f"{path.name}: {problem.detail}"))
    engine = open_engine(settings)
    try:
        with transaction(session_factory(engine)) as session:
            document = dhis2.data_value_set(session, context, jurisdiction, week, rules)
            _, monday = dhis2.week_of(week)
            left = dhis2.unmapped(
                dhis2.weekly_figures(session, context, jurisdiction, monday), rules
            )
    except Problem as problem:
        fail(escape(problem.detail))
    finally:
        engine.dispose()
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if out_file is None:
        print(text)
    else:
        out_file.write_text(text + "\n", encoding="utf-8")
        out.print(f"{len(document['dataValues'])} values written to {escape(str(out_file))}")
    if left:
        err.print(f"not in the mapping, not sent: {escape(', '.join(left[:10]))}")


@app.command("fhir-bundle")
def fhir_bundle(
    files: list[Path] = typer.Argument(..., help="NDJSON files of a bulk export"),
    out_file: Path = typer.Option(..., "--out", help="The Bundle (JSON) to write"),
    message_id: str = typer.Option("", help="The Bundle's id (default: from the file names)"),
) -> None:
    """Wrap a bulk export's Patient, Specimen and Observation files into the Bundle that
    ``fireline testing import-results`` reads (to load an export into another instance)."""
    from fireline.exports.fhir.bundle import bundle_of

    try:
        texts = [f.read_text(encoding="utf-8") for f in files]
        stems = re.sub(r"[^A-Za-z0-9.-]", "-", "-".join(f.stem for f in files))
        made = bundle_of(texts, (message_id or f"bulk-{stems}")[:64])
        out_file.write_text(json.dumps(made, ensure_ascii=False), encoding="utf-8")
    except (OSError, ValueError) as exc:
        fail(escape(f"cannot make the Bundle: {exc}"))
    out.print(f"{len(made['entry'])} resources written to {escape(str(out_file))}")
