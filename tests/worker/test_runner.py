"""One run per job and slot, whatever races: two runners on real locks, on both backends."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from fireline.clock import FrozenClock
from fireline.db.engine import make_engine
from fireline.worker.models import JobRun
from fireline.worker.runner import JobContext, job_lock, lock_key, run_job
from tests.worker.factories import T0, context, forget_runs, sessions_of

MINUTE = timedelta(minutes=1)


@pytest.fixture
def job(engine: Engine) -> Iterator[str]:
    """A job name of this test's own; its runs commit for real and are deleted after."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    yield name
    forget_runs(engine, name)


@pytest.fixture
def second_engine(engine: Engine) -> Iterator[Engine]:
    """The same database through another engine, as a second worker process has."""
    other = make_engine(engine.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def runs(engine: Engine, job: str) -> list[JobRun]:
    with sessions_of(engine)() as session:
        return list(session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))


def test_lock_keys_are_stable_64_bit_and_per_job() -> None:
    assert lock_key("response-sweep") == lock_key("response-sweep")
    assert lock_key("response-sweep") != lock_key("case-linking")
    assert -(2**63) <= lock_key("daily-signals") < 2**63


def test_a_job_runs_once_when_two_workers_race(
    engine: Engine, second_engine: Engine, job: str
) -> None:
    started, release, calls = threading.Event(), threading.Event(), []

    def slow(_: JobContext) -> str:
        calls.append(1)
        started.set()
        assert release.wait(30)
        return "done"

    first = threading.Thread(
        target=run_job, args=(job, slow, context(engine)), kwargs={"period": MINUTE}
    )
    first.start()
    assert started.wait(30)
    try:
        # The second worker fires while the first holds the lock: real advisory lock
        # on PostgreSQL (another connection), the lock file on SQLite.
        outcome = run_job(job, slow, context(second_engine), period=MINUTE)
    finally:
        release.set()
        first.join(30)
    assert (outcome.status, outcome.summary) == ("skipped", "another worker is running it")
    assert len(calls) == 1
    assert [(r.status, r.summary) for r in runs(engine, job)] == [("succeeded", "done")]


def test_a_worker_that_fires_late_does_not_run_the_slot_again(
    engine: Engine, second_engine: Engine, job: str
) -> None:
    calls: list[str] = []
    clock = FrozenClock(T0)

    def work(tag: str) -> Callable[[JobContext], str]:
        def record(_: JobContext) -> str:
            calls.append(tag)
            return tag

        return record

    first, second = context(engine, clock=clock), context(second_engine, clock=clock)
    assert run_job(job, work("a"), first, period=MINUTE).status == "succeeded"
    clock.advance(timedelta(seconds=2))  # the lock is free again, the slot is taken
    late = run_job(job, work("b"), second, period=MINUTE)
    assert (late.status, late.summary) == ("skipped", "another worker ran it for this slot")
    assert run_job(job, work("once"), second).status == "succeeded"  # --once: now, whatever
    clock.advance(timedelta(seconds=40))  # past half a period: the next slot
    assert run_job(job, work("d"), first, period=MINUTE).status == "succeeded"
    assert calls == ["a", "once", "d"]
    assert len(runs(engine, job)) == 3


def test_a_failure_is_recorded_without_its_message(
    engine: Engine, job: str, caplog: pytest.LogCaptureFixture
) -> None:
    quoted = "Zhang San, 13800000000"  # what a database error could quote

    def broken(_: JobContext) -> str:
        raise ValueError(quoted)

    with caplog.at_level(logging.INFO, logger="fireline.worker"):
        outcome = run_job(job, broken, context(engine), period=MINUTE)
    assert (outcome.status, outcome.summary) == ("failed", "ValueError")
    assert "ValueError" in caplog.text and "broken" in caplog.text  # the frames stay
    assert "Zhang San" not in caplog.text and "13800000000" not in caplog.text
    [run] = runs(engine, job)
    assert (run.status, run.error, run.summary) == ("failed", "ValueError", None)
    assert run.finished_at is not None
    # A failed run leaves the slot to the next worker.
    assert run_job(job, lambda _: "ok", context(engine), period=MINUTE).status == "succeeded"


def test_a_run_killed_mid_way_leaves_its_slot_to_the_next_worker(engine: Engine, job: str) -> None:
    """A killed worker leaves its row 'running'; the slot is checked under the lock, so
    such a row is a dead run and the job runs again in the same slot."""
    with sessions_of(engine)() as session, session.begin():
        session.add(JobRun(job=job, started_at=T0, status="running"))
    clock = FrozenClock(T0 + timedelta(seconds=5))
    assert run_job(job, lambda _: "again", context(engine, clock=clock), period=MINUTE).status == (
        "succeeded"
    )


def test_the_lock_is_free_again_after_a_run(engine: Engine, job: str) -> None:
    with job_lock(engine, job) as held:
        assert held
        with job_lock(engine, job) as again:
            assert not again
    with job_lock(engine, job) as held:
        assert held


def test_runs_in_the_tests_transaction_roll_back(
    engine: Engine, sessions: sessionmaker[Session], session: Session
) -> None:
    job = f"test-{uuid.uuid4().hex[:8]}"
    assert run_job(job, lambda _: "ok", context(engine, sessions)).status == "succeeded"
    assert session.scalars(select(JobRun.status).where(JobRun.job == job)).all() == ["succeeded"]
