"""``fireline demo`` and ``fireline simulate``."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from fireline.console import err, fail, out
from fireline.db import migrate
from fireline.db.connect import open_engine
from fireline.db.engine import session_factory, transaction
from fireline.settings import Settings
from fireline.simulate.params import MAX_CASES, MIN_CASES

if TYPE_CHECKING:  # the simulator pulls in NumPy and Arrow: loaded when a command runs
    import pyarrow as pa

    from fireline.demo.service import DemoLogin
    from fireline.simulate import Outbreak

FORMATS = ("parquet", "csv")

STAGES = 7  # progress steps reported by simulate(), plus writing or loading


def demo(
    cases: int = typer.Option(3000, help="Cases in the simulated outbreak"),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same outbreak"),
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="Start the server and a worker afterwards"
    ),
    reset: bool = typer.Option(False, help="Empty the data tables and load the demo again"),
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8000, help="Port to listen on"),
) -> None:
    """Load the demo province, logins and an outbreak ending today; serve it with a worker.

    The server and a `fireline worker` beside it run until Ctrl-C, as in production."""
    from fireline.context import Context
    from fireline.demo.service import load_demo

    _check_cases(cases)
    settings = Settings(demo=True)
    engine = _migrated(settings)
    with step_lines() as step, transaction(session_factory(engine)) as session:
        # The server and its worker run on the system clock: the demo is dated by it too.
        context = Context.for_command(settings)
        report = load_demo(session, context, cases=cases, seed=seed, reset=reset, progress=step)
        step("committing")
    if report.loaded:
        out.print(
            f"demo loaded: {report.rows.get('cases', 0):,} cases from {report.start} "
            f"to {report.as_of}"
        )
    else:
        out.print("the demo is already loaded: nothing to do (use --reset to load it again)")
    out.print(logins_table(report.logins))
    if serve:
        _serve(settings, engine, host, port)


def logins_table(logins: list[DemoLogin]) -> Table:
    table = Table("username", "role", "jurisdiction", "password", title="Demo logins")
    for login in logins:
        table.add_row(login.username, login.role, login.jurisdiction, login.password)
    return table


def _serve(settings: Settings, engine: Engine, host: str, port: int) -> None:
    """The server and a worker beside it, as in production: the worker's response
    sweep and case linking run every minute, so a case confirmed in the browser opens
    its response within a minute. Ctrl-C stops both."""
    import uvicorn

    from fireline.app import create_app
    from fireline.worker.process import worker_process

    out.print(f"Fireline demo on http://{host}:{port} (with a worker for the jobs)")
    with worker_process(settings.database_url):
        uvicorn.run(
            create_app(settings, engine=engine),
            host=host,
            port=port,
            log_level="info",
            access_log=False,
        )


def simulate_command(
    cases: int = typer.Option(..., help=f"Number of cases ({MIN_CASES} to {MAX_CASES:,})"),
    seed: int = typer.Option(0, help="Random seed: the same seed gives the same outbreak"),
    seed_county: str | None = typer.Option(None, help="Code of the county where it starts"),
    out_dir: Path | None = typer.Option(None, "--out", help="Write files here, not the database"),
    file_format: str = typer.Option("parquet", "--format", help="parquet or csv (with --out)"),
    start: str | None = typer.Option(None, help="First day (YYYY-MM-DD); default: ends today"),
) -> None:
    """Simulate an outbreak into the database, or into Parquet/CSV files with --out."""
    _check_cases(cases)
    first_day = _parse_date(start)
    if out_dir is not None:
        _to_files(cases, seed, seed_county, out_dir, file_format, first_day)
    else:
        _to_database(cases, seed, seed_county, first_day)


def _check_cases(cases: int) -> None:
    if not MIN_CASES <= cases <= MAX_CASES:
        fail(f"--cases must be between {MIN_CASES} and {MAX_CASES:,} (got {cases})")


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        fail(f"--start must be a date like 2026-01-31 (got {value!r})")


def _run(
    jurisdictions: pa.Table,
    cases: int,
    seed: int,
    seed_county: str | None,
    start: date | None,
    step: Callable[[str], None],
) -> Outbreak:
    from fireline.context import Context
    from fireline.simulate import GeographyError, simulate

    today = Context.for_command(Settings()).today()  # in the province, as the server sees it
    try:
        return simulate(
            jurisdictions,
            cases,
            seed=seed,
            seed_county=seed_county,
            start=start,
            end=None if start else today,
            progress=step,
        )
    except (GeographyError, ValueError) as exc:
        fail(str(exc))


def _to_files(
    cases: int,
    seed: int,
    seed_county: str | None,
    folder: Path,
    file_format: str,
    start: date | None,
) -> None:
    from fireline.demo.jurisdictions import from_csv
    from fireline.jurisdictions.importer import bundled_divisions
    from fireline.simulate import write

    if file_format not in FORMATS:
        fail(f"--format must be parquet or csv (got {file_format!r})")
    _check_writable(folder)
    with progress_bar("simulating") as step:
        outbreak = _run(from_csv(bundled_divisions()), cases, seed, seed_county, start, step)
        step(f"writing {file_format} files")
        paths = write(outbreak, folder, "csv" if file_format == "csv" else "parquet")
    out.print(f"wrote {len(paths)} files to {folder}: {_summary(outbreak)}")


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        fail(f"cannot write to {folder}: {exc.strerror or exc}")


def _to_database(cases: int, seed: int, seed_county: str | None, start: date | None) -> None:
    from fireline.demo.jurisdictions import from_database
    from fireline.demo.loader import load_tables

    engine = _migrated(Settings())
    with progress_bar("simulating") as step, transaction(session_factory(engine)) as session:
        tree = from_database(session)
        if tree.num_rows == 0:
            fail(
                "the database has no jurisdictions: run `fireline jurisdictions import FILE` "
                "or `fireline demo` first"
            )
        outbreak = _run(tree, cases, seed, seed_county, start, step)
        summary, tables, as_of = _summary(outbreak), outbreak.tables(), outbreak.as_of
        del outbreak  # each table is freed once written (load_tables)
        step("loading into the database")
        load_tables(session, tables, as_of)
    out.print(f"loaded into {engine.dialect.name}: {summary}")


def _migrated(settings: Settings) -> Engine:
    engine = open_engine(settings)
    migrate.upgrade(engine)
    return engine


def _summary(outbreak: Outbreak) -> str:
    counts = outbreak.counts()
    return (
        f"{counts['cases']:,} cases, {counts['contacts']:,} contacts, "
        f"{counts['persons']:,} people, from {outbreak.start} to {outbreak.as_of}"
    )


@contextmanager
def step_lines() -> Iterator[Callable[[str], None]]:
    """One line on stderr per step as it begins, after the time since the start: a load
    of minutes (600,000 cases) says where it is, in a terminal and in a log alike."""
    started = time.monotonic()

    def step(stage: str) -> None:
        err.print(f"[dim]{_elapsed(time.monotonic() - started)}[/] {escape(stage)}")

    yield step
    err.print(f"[dim]{_elapsed(time.monotonic() - started)}[/] done")


def _elapsed(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes:3d}:{rest:02d}"


@contextmanager
def progress_bar(title: str) -> Iterator[Callable[[str], None]]:
    """A bar on stderr that advances one step per stage the work reports."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(title, total=STAGES + 1)

        def step(stage: str) -> None:
            progress.update(task, advance=1, description=stage)

        yield step


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("simulate")(simulate_command)
