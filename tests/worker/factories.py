"""Job contexts for tests: the real settings and profiles, a frozen clock, given sessions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from fireline.clock import FrozenClock
from fireline.db.engine import transaction
from fireline.settings import Settings
from fireline.worker.models import JobRun
from fireline.worker.runner import JobContext

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def context(
    engine: Engine,
    sessions: sessionmaker[Session] | None = None,
    clock: FrozenClock | None = None,
    **settings: object,
) -> JobContext:
    built = JobContext.build(Settings(**settings), engine, clock or FrozenClock(T0))  # type: ignore[arg-type]
    return replace(built, sessions=sessions) if sessions is not None else built


def forget_runs(engine: Engine, job: str) -> None:
    """Tests that commit for real (two workers) leave the shared database as they found it."""
    with transaction(sessions_of(engine)) as session:
        session.execute(delete(JobRun).where(JobRun.job == job))


def sessions_of(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
