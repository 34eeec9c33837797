"""Running one job under a lock, so that however many workers run, each slot runs once.

The lock stops two workers running a job at the same time; the ``job_runs`` check
under it stops a second worker, whose trigger fired a moment later, running the
same slot again after the first has finished.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine, exists, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.scope import system_actor
from fireline.clock import Clock, SystemClock
from fireline.context import Context
from fireline.db.engine import session_factory, transaction
from fireline.diseases.loader import load_profiles
from fireline.diseases.schemas import DiseaseProfile
from fireline.quarantine.settings import QuarantineSettings
from fireline.response.evidence_watch import EvidenceWatch
from fireline.response.settings import ResponseSettings
from fireline.settings import Settings
from fireline.worker.models import JobRun

log = logging.getLogger(__name__)

# Runs that count for the current slot: a failed run leaves it to the next worker, and
# so does one still marked running, since the slot is checked under the job's lock: a
# worker that runs it holds the lock, so such a row is a run killed mid-way.
COUNTED = ("succeeded",)


@dataclass(frozen=True)
class JobContext:
    """What a job takes: the same things services take, built once per worker."""

    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    settings: Settings
    responses: ResponseSettings
    quarantine: QuarantineSettings
    profiles: Mapping[str, DiseaseProfile]
    # What the response sweep's evidence checks have seen, kept while the worker runs.
    evidence: EvidenceWatch = field(default_factory=EvidenceWatch)

    def context(self) -> Context:
        """The request context a job hands to services, built as pages and commands do."""
        return Context(
            actor=system_actor(), clock=self.clock, settings=self.settings, profiles=self.profiles
        )

    @classmethod
    def build(cls, settings: Settings, engine: Engine, clock: Clock | None = None) -> JobContext:
        """Read the domain settings and disease profiles now: a bad playbook stops the
        worker at start, not at 06:00."""
        responses = ResponseSettings()
        return cls(
            engine=engine,
            sessions=session_factory(engine),
            clock=clock or SystemClock(),
            settings=settings,
            responses=responses,
            quarantine=QuarantineSettings(),
            profiles=load_profiles(settings.disease_dir),
            evidence=EvidenceWatch(timedelta(minutes=responses.evidence_full_check_minutes)),
        )


Work = Callable[[JobContext], str]


@dataclass(frozen=True)
class Outcome:
    status: str  # succeeded, failed or skipped
    summary: str


def lock_key(job: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock`` (one per job name)."""
    digest = hashlib.sha256(f"fireline.worker:{job}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def job_lock(engine: Engine, job: str) -> Iterator[bool]:
    """Yield whether this process holds ``job``'s lock; never waits for it."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, job) as held:
            yield held
    else:
        with _file_lock(engine, job) as held:
            yield held


@contextmanager
def _advisory_lock(engine: Engine, job: str) -> Iterator[bool]:
    # A session-level advisory lock belongs to its connection, so a worker that dies
    # frees it with its connection (PostgreSQL docs, "Advisory Locks", section 13.3.5).
    key = lock_key(job)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        held = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


@contextmanager
def _file_lock(engine: Engine, job: str) -> Iterator[bool]:
    # SQLite serves one machine; an flock beside the database file is freed by the
    # kernel when its process dies (flock(2)), like PostgreSQL's session locks.
    lock = FileLock(_lock_path(engine, job))
    try:
        lock.acquire(blocking=False)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def _lock_path(engine: Engine, job: str) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        return Path(tempfile.gettempdir()) / f"fireline-memory-{id(engine)}-{job}.lock"
    return Path(f"{database}-{job}.lock")


def run_job(
    job: str, work: Work, context: JobContext, *, period: timedelta | None = None
) -> Outcome:
    """Run ``work`` once under ``job``'s lock and record it in ``job_runs``.

    With ``period`` (a scheduled run), a run started in the last half period counts
    for this slot and the job is skipped; without it (``--once``) only the lock counts.
    """
    with job_lock(context.engine, job) as held:
        if not held:
            log.info("%s: not run, another worker is running it", job)
            return Outcome("skipped", "another worker is running it")
        # Stored in UTC: SQLite compares the stored text, which has no offset.
        now = context.clock.now().astimezone(UTC)
        if period is not None and _ran_in_slot(context.sessions, job, now, period):
            return Outcome("skipped", "another worker ran it for this slot")
        run_id = _start(context.sessions, job, now)
        outcome, error = _call(job, work, context)
        _finish(context.sessions, run_id, context.clock.now().astimezone(UTC), outcome, error)
        return outcome


def _call(job: str, work: Work, context: JobContext) -> tuple[Outcome, str | None]:
    try:
        summary = work(context)
    except Exception as exc:
        # The type and the frames, not the message: database errors quote the rows
        # they refused, and with them personal data (OWASP Logging Cheat Sheet,
        # "Data to exclude").
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error("%s failed: %s\n%s", job, type(exc).__name__, frames)
        return Outcome("failed", type(exc).__name__), type(exc).__name__
    log.info("%s: %s", job, summary)
    return Outcome("succeeded", summary), None


def _ran_in_slot(
    sessions: sessionmaker[Session], job: str, now: datetime, period: timedelta
) -> bool:
    since = now - period / 2
    with sessions() as session:
        found = session.scalar(
            select(
                exists().where(
                    JobRun.job == job, JobRun.started_at > since, JobRun.status.in_(COUNTED)
                )
            )
        )
    return bool(found)


def _start(sessions: sessionmaker[Session], job: str, now: datetime) -> int:
    with transaction(sessions) as session:
        run = JobRun(job=job, started_at=now, status="running")
        session.add(run)
        session.flush()
        return run.id


def _finish(
    sessions: sessionmaker[Session],
    run_id: int,
    now: datetime,
    outcome: Outcome,
    error: str | None,
) -> None:
    with transaction(sessions) as session:
        run = session.get_one(JobRun, run_id)
        run.finished_at, run.status, run.error = now, outcome.status, error
        run.summary = outcome.summary[:200] if outcome.status == "succeeded" else None


def last_runs(sessions: sessionmaker[Session]) -> dict[str, JobRun]:
    """The latest run of each job that ever ran, by job name."""
    latest = select(func.max(JobRun.id)).group_by(JobRun.job)
    with sessions() as session:
        runs = session.scalars(select(JobRun).where(JobRun.id.in_(latest)))
        return {run.job: run for run in runs}
