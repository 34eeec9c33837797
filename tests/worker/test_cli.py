"""``fireline worker``: one job now, the job list, and two worker processes on one database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.response.models import Response
from fireline.worker.models import JobRun
from fireline.worker.runner import COUNTED, job_lock
from tests.cli_runner import run
from tests.places.factories import small_tree
from tests.response.factories import add_case
from tests.worker.factories import forget_runs, sessions_of


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A migrated SQLite file with one confirmed case and no response yet."""
    path = tmp_path / "worker.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        add_case(session, small_tree(session)["C1A"])
    engine.dispose()
    return path


def count(path: Path, model: type[Response] | type[JobRun]) -> int:
    engine = make_engine(f"sqlite:///{path}")
    with session_factory(engine)() as session:
        found = session.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return int(found or 0)


def test_once_response_sweep_opens_the_response_of_a_confirmed_case(database: Path) -> None:
    result = run(["worker", "--once", "response-sweep"], database)
    assert result.exit_code == 0, result.output
    assert "response-sweep: 1 responses opened" in result.output
    assert count(database, Response) == 1 and count(database, JobRun) == 1


def test_once_waits_for_no_other_worker(database: Path) -> None:
    engine = make_engine(f"sqlite:///{database}")
    with job_lock(engine, "response-sweep") as held:
        assert held
        result = run(["worker", "--once", "response-sweep"], database)
    engine.dispose()
    assert result.exit_code == 0, result.output
    assert "not run: another worker is running it" in result.output
    assert count(database, Response) == 0 and count(database, JobRun) == 0


def test_unknown_job(database: Path) -> None:
    result = run(["worker", "--once", "purge-everything"], database)
    assert result.exit_code == 1
    assert "unknown job 'purge-everything'" in result.output and "response-sweep" in result.output


def test_list_shows_daily_times_in_the_root_time_zone(database: Path) -> None:
    run(["worker", "--once", "case-linking"], database)
    result = run(["worker", "--list"], database)
    assert result.exit_code == 0, result.output
    assert "daily at 06:00 (Asia/Shanghai)" in result.output
    assert "every 60 s" in result.output and "succeeded" in result.output


def _start_worker(database_url: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "FIRELINE_DATABASE_URL": database_url,
        "FIRELINE_RESPONSE_SWEEP_SECONDS": "2",
        "COLUMNS": "200",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "fireline", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _sweeps(engine: Engine) -> list[JobRun]:
    with sessions_of(engine)() as session:
        statement = select(JobRun).where(JobRun.job == "response-sweep", JobRun.status.in_(COUNTED))
        return list(session.scalars(statement.order_by(JobRun.started_at)))


def test_two_workers_run_each_slot_once(engine: Engine) -> None:
    """Two ``fireline worker`` processes sweeping every 2 s: every slot runs once, so no
    two sweeps start within a second of each other (half a period)."""
    url = engine.url.render_as_string(hide_password=False)
    workers = [_start_worker(url), _start_worker(url)]
    try:
        deadline = time.monotonic() + 120
        while len(_sweeps(engine)) < 4 and time.monotonic() < deadline:
            assert all(w.poll() is None for w in workers), "a worker stopped"
            time.sleep(0.5)
    finally:
        outputs = []
        for worker in workers:
            worker.terminate()
            outputs.append(worker.communicate(timeout=30)[0])
    sweeps = _sweeps(engine)
    forget_runs(engine, "response-sweep")
    forget_runs(engine, "case-linking")
    forget_runs(engine, "refresh-figures")
    assert all("fireline worker: 7 jobs" in output for output in outputs), outputs
    assert len(sweeps) >= 4
    gaps = [b.started_at - a.started_at for a, b in pairwise(sweeps)]
    assert min(gaps) >= timedelta(seconds=1), gaps


@pytest.mark.parametrize(
    ("variable", "value"),
    [("FIRELINE_RESPONSE_SWEEP_SECONDS", "0"), ("FIRELINE_SIGNALS_TIME", "6 am")],
)
def test_a_bad_setting_stops_the_worker_with_one_line(
    database: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = run(["worker", "--list"], database)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {variable}: ")
    assert "Traceback" not in result.output and len(result.output.splitlines()) == 1
