"""``fireline worker``: run the scheduled jobs, list them, or run one now."""

from __future__ import annotations

import logging
import signal
from datetime import UTC, tzinfo

import typer
from pydantic import ValidationError

from fireline.console import fail, out
from fireline.db.connect import open_engine
from fireline.diseases.loader import ProfileError
from fireline.places.service import root_timezone
from fireline.settings import Settings
from fireline.worker.models import JobRun
from fireline.worker.runner import JobContext, last_runs, run_job
from fireline.worker.scheduler import JOBS, build_scheduler, describe, find, trigger


def worker(
    once: str | None = typer.Option(None, "--once", metavar="JOB", help="Run JOB now and exit"),
    list_jobs: bool = typer.Option(False, "--list", help="List the jobs and their next runs"),
) -> None:
    """Run the scheduled jobs: signals, response sweep, case linking, quarantine, retention.

    Start as many as you like on PostgreSQL: a lock lets one of them run each job."""
    _configure_logging()
    context = _context()
    with context.sessions() as session:
        zone = root_timezone(session)
    if list_jobs:
        _print_jobs(context, zone)
    elif once is not None:
        _run_now(once, context)
    else:
        _run_forever(context, zone)


def _context() -> JobContext:
    """Settings and profiles read once; a bad one stops the worker with one line."""
    try:
        settings = Settings()
        return JobContext.build(settings, open_engine(settings))
    except ValidationError as exc:
        fail(_setting_errors(exc))
    except ProfileError as exc:
        fail(str(exc))


# Errors name the variable an administrator sets, not the Python field.
PREFIXES = {"ResponseSettings": "FIRELINE_RESPONSE_", "QuarantineSettings": "FIRELINE_QUARANTINE_"}


def _setting_errors(exc: ValidationError) -> str:
    prefix = PREFIXES.get(exc.title, "FIRELINE_")
    return "; ".join(
        f"{prefix}{'_'.join(str(part) for part in error['loc']).upper()}: {error['msg']}"
        for error in exc.errors()
    )


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler logs every firing at INFO; the runner logs what each run did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _run_now(name: str, context: JobContext) -> None:
    job = find(name)
    if job is None:
        fail(f"unknown job {name!r}: one of {', '.join(j.name for j in JOBS)}")
    outcome = run_job(job.name, job.work, context)
    if outcome.status == "failed":
        fail(f"{job.name} failed ({outcome.summary}); the worker's log has the details")
    label = "not run: " if outcome.status == "skipped" else ""
    out.print(f"{job.name}: {label}{outcome.summary}")


def _run_forever(context: JobContext, zone: tzinfo) -> None:
    scheduler = build_scheduler(context, zone)
    # SIGTERM (systemd, docker stop) stops like Ctrl-C: running jobs finish first.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    out.print(
        f"fireline worker: {len(JOBS)} jobs, times in {zone} "
        f"(database: {context.engine.dialect.name})"
    )
    try:
        scheduler.start()
    except KeyboardInterrupt:
        scheduler.shutdown(wait=True)


def _print_jobs(context: JobContext, zone: tzinfo) -> None:
    """One line per job (grep-friendly): schedule, next run and last run, local time."""
    now = context.clock.now().astimezone(zone)
    lasts = last_runs(context.sessions)
    for job in JOBS:
        due = trigger(job, context, zone).get_next_fire_time(None, now)
        last = lasts.get(job.name)
        out.print(
            f"{job.name:<22} {describe(job, context, zone):<32} next {due:%Y-%m-%d %H:%M:%S}"
            f"  last {_local(last, zone)} {last.status if last else ''}",
            soft_wrap=True,
        )


def _local(run: JobRun | None, zone: tzinfo) -> str:
    if run is None:
        return "never"
    # SQLite hands back naive datetimes; they are UTC.
    started = run.started_at if run.started_at.tzinfo else run.started_at.replace(tzinfo=UTC)
    return f"{started.astimezone(zone):%Y-%m-%d %H:%M:%S}"


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
