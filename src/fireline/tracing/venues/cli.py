"""``fireline venues``: import check-in logs, propose venue exposures, run the bulk job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import typer

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.console import err, fail, instant_option, out
from fireline.context import Context
from fireline.db.connect import database_session
from fireline.settings import Settings
from fireline.tracing.venues import ingest, service
from fireline.tracing.venues.export import export_check_ins
from fireline.tracing.venues.rules import ExposureRule, canonical_csv, index_table

app = typer.Typer(help="Venue check-ins and the exposures found in them.", no_args_is_help=True)

ENGINES = ("duckdb", "spark")


def _rule(category: str, stay: int, round_to: int, padding: int, min_overlap: int) -> ExposureRule:
    try:
        return ExposureRule(
            category=category,
            stay_minutes=stay,
            round_minutes=round_to,
            padding_minutes=padding,
            min_overlap_minutes=min_overlap,
        )
    except ValueError as exc:
        fail(str(exc))


@app.command("import")
def import_command(path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Import a CSV or Parquet check-in log: all rows, or none and every bad line printed."""
    try:
        with database_session() as session:
            report = ingest.import_check_ins(session, system_actor(), path.read_bytes(), path.name)
    except ingest.CheckInLogError as exc:
        for problem in exc.errors:
            err.print(f"line {problem['line']}: {problem['message']}", soft_wrap=True)
        fail(exc.detail)
    out.print(f"{report.rows} check-ins imported")


@app.command("propose")
def propose_command(
    case: list[int] = typer.Option([], "--case", help="Case id (repeatable)"),
    jurisdiction: str | None = typer.Option(None, help="Every case in this jurisdiction"),
    engine: str = typer.Option("duckdb", help="duckdb or spark (local mode)"),
    category: str = typer.Option("close", help="Contact category the proposals carry"),
    stay: int = typer.Option(60, help="Minutes a visit without check-out lasts"),
    round_to: int = typer.Option(0, "--round", help="Round such ends up to N minutes"),
    padding: int = typer.Option(0, help="Minutes added before and after each case visit"),
    min_overlap: int = typer.Option(0, help="Shortest shared minutes that count"),
    now: str | None = typer.Option(None, help="Propose as at this instant (default: now)"),
) -> None:
    """Propose contacts from venue visits that overlap the cases' infectious windows."""
    if engine not in ENGINES:
        fail(f"--engine must be one of {', '.join(ENGINES)}")
    if not case and jurisdiction is None:
        fail("give --case or --jurisdiction")
    settings = Settings()
    rule = _rule(category, stay, round_to, padding, min_overlap)
    context = Context.for_system(settings, FrozenClock(instant_option(now)))
    with database_session(settings) as session:
        report = service.propose_exposures(
            session,
            context.actor,
            context.profiles,
            rule,
            case_ids=case or None,
            jurisdiction_code=jurisdiction,
            engine="spark" if engine == "spark" else "duckdb",
            now=context.now(),
        )
    out.print(
        f"{report.cases} cases, {report.exposures} exposures found,"
        f" {report.proposed} new proposals ({report.engine})"
    )


@app.command("export")
def export_command(target: Path = typer.Argument(..., dir_okay=False)) -> None:
    """Write the database's check-ins to a Parquet file for the bulk engines."""
    with database_session() as session:
        rows = export_check_ins(session, target)
    out.print(f"{rows} check-ins written to {target}")


@app.command("find")
def find_command(
    index: Path = typer.Option(
        ...,
        exists=True,
        help="CSV: case_id,person_id,window_start,window_end (ISO 8601 instants with offset)",
    ),
    check_ins: list[Path] = typer.Argument(..., help="Parquet files of check-ins"),
    engine: str = typer.Option("duckdb", help="duckdb or spark"),
    master: str = typer.Option("local[2]", help="Spark master URL"),
    padding: int = typer.Option(0),
    min_overlap: int = typer.Option(0),
    stay: int = typer.Option(60),
    round_to: int = typer.Option(0, "--round"),
) -> None:
    """The bulk job over Parquet, no database: print the exposures as sorted CSV."""
    rule = _rule("close", stay, round_to, padding, min_overlap)
    table = _index(index)
    if engine == "spark":
        from fireline.tracing.venues import spark

        with spark.spark_session(master) as session:
            found = spark.find_exposures(session, check_ins, table, rule)
    else:
        from fireline.tracing.venues import duckdb

        found = duckdb.find_exposures(check_ins, table, rule)
    typer.echo(canonical_csv(found).decode(), nl=False)


def _index(path: Path) -> pa.Table:
    rows = pacsv.read_csv(path).to_pylist()
    try:
        return index_table(
            [
                (
                    int(r["case_id"]),
                    int(r["person_id"]),
                    _micros(str(r["window_start"])),
                    _micros(str(r["window_end"])),
                )
                for r in rows
            ]
        )
    except (KeyError, ValueError) as exc:
        fail(f"{path}: {exc}")


def _micros(text: str) -> int:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
