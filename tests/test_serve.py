"""``fireline serve`` only serves: several web workers, and no job in any of them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

import fireline.tables  # noqa: F401  (registers every table: the case's foreign keys)
from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.response.models import Response
from fireline.serve import _check_connections
from fireline.worker.models import JobRun
from tests.cli_runner import children, free_port, healthy, wait_until
from tests.places.factories import small_tree
from tests.response.factories import add_case


def test_serve_runs_web_workers_and_no_jobs(tmp_path: Path) -> None:
    path, port = tmp_path / "serve.db", free_port()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        add_case(session, small_tree(session)["C1A"])  # a sweep would open its response
    env = {**os.environ, "FIRELINE_DATABASE_URL": f"sqlite:///{path}"}
    command = [sys.executable, "-m", "fireline", "serve", "--workers", "2", "--port", str(port)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: healthy(port), 180)
        wait_until(lambda: len(children(server.pid)) >= 2, 60)  # two web workers (and no more)
        time.sleep(3)  # the old lifespan swept at start, in every web worker
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 0
        assert session.scalar(select(func.count()).select_from(JobRun)) == 0
    engine.dispose()


def test_serve_warns_when_workers_could_exhaust_postgres(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_connections(engine, 1)
    assert capsys.readouterr().err == ""
    _check_connections(engine, 10_000)  # 400,000 connections: more than any server takes
    warned = capsys.readouterr().err
    if engine.dialect.name == "postgresql":
        assert "max_connections" in warned and "10000 web workers" in warned
    else:
        assert warned == ""  # SQLite has no connection limit
