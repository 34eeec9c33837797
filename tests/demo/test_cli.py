from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine, select, text
from typer.testing import CliRunner, Result

import fireline.tables  # noqa: F401  (registers every table: the case's foreign keys)
from fireline.cli import build
from fireline.db.engine import make_engine, session_factory, transaction
from fireline.places.models import Jurisdiction
from fireline.response.models import ResponseCase
from tests.cli_runner import children, free_port, healthy, wait_until
from tests.response.factories import add_case


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "fireline.db"
    monkeypatch.setenv("FIRELINE_DATABASE_URL", f"sqlite:///{path}")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(build(), list(args))


def count(database: Path, table: str) -> int:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        value = int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
    engine.dispose()
    return value


def test_demo_loads_once_and_lists_the_logins(database: Path) -> None:
    result = run("demo", "--no-serve", "--cases", "500")
    assert result.exit_code == 0, result.output
    assert "shangcheng-investigator" in result.output and "fireline-demo" in result.output
    assert count(database, "cases") == 500
    # issue #17: one line per step as it begins, with the time since the start
    assert re.search(r"^ +0:\d\d writing check_ins \([\d,]+ rows\)$", result.stderr, re.M)
    assert re.search(r"^ +\d+:\d\d responses and their tasks$", result.stderr, re.M)
    again = run("demo", "--no-serve", "--cases", "500")
    assert again.exit_code == 0, again.output
    assert "already loaded" in again.output
    assert count(database, "cases") == 500


def test_demo_reset(database: Path) -> None:
    run("demo", "--no-serve", "--cases", "100")
    result = run("demo", "--no-serve", "--cases", "150", "--reset")
    assert result.exit_code == 0, result.output
    assert count(database, "cases") == 150


def test_simulate_into_the_database(database: Path) -> None:
    run("demo", "--no-serve", "--cases", "50")
    result = run("simulate", "--cases", "200", "--seed", "3", "--seed-county", "330205")
    assert result.exit_code == 0, result.output
    assert count(database, "cases") == 250


def test_simulate_needs_jurisdictions(database: Path) -> None:
    result = run("simulate", "--cases", "10")
    assert result.exit_code == 1
    assert "fireline jurisdictions import" in result.output


def test_simulate_to_files(tmp_path: Path, database: Path) -> None:
    out = tmp_path / "out"
    result = run("simulate", "--cases", "300", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert pq.read_table(out / "cases.parquet").num_rows == 300
    csv = run("simulate", "--cases", "30", "--out", str(tmp_path / "csv"), "--format", "csv")
    assert csv.exit_code == 0, csv.output
    assert (tmp_path / "csv" / "contacts.csv").exists()
    assert not database.exists()  # writing files needs no database


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cases", "0"], "--cases must be between 1"),
        (["--cases", "10", "--seed-county", "999999", "--out", "{tmp}"], "seed county 999999"),
        (["--cases", "10", "--format", "xlsx", "--out", "{tmp}"], "--format must be"),
        (["--cases", "10", "--start", "yesterday", "--out", "{tmp}"], "--start must be a date"),
    ],
)
def test_simulate_bad_input(tmp_path: Path, database: Path, args: list[str], message: str) -> None:
    result = run("simulate", *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 1
    assert message in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_simulate_unwritable_folder(tmp_path: Path, database: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    result = run("simulate", "--cases", "10", "--out", str(locked / "x"))
    assert result.exit_code == 1
    assert "cannot write to" in result.output


def test_simulate_folder_that_is_a_file(tmp_path: Path, database: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("simulate", "--cases", "10", "--out", str(blocker))
    assert result.exit_code == 1
    assert "cannot write to" in result.output


def _confirm_a_case(path: Path) -> int:
    """A confirmed case, written as the case form's service writes it."""
    engine = make_engine(f"sqlite:///{path}")
    with transaction(session_factory(engine)) as session:
        county = session.scalars(select(Jurisdiction).where(Jurisdiction.level == "county")).first()
        assert county is not None
        case_id = add_case(session, county, entered=datetime.now(UTC)).id
    engine.dispose()
    return case_id


def _response_opened(path: Path, case_id: int) -> bool:
    engine = make_engine(f"sqlite:///{path}")
    with session_factory(engine)() as session:
        found = session.scalar(select(ResponseCase.id).where(ResponseCase.case_id == case_id))
    engine.dispose()
    return found is not None


def test_demo_serves_with_a_worker_that_opens_responses(tmp_path: Path) -> None:
    path, port = tmp_path / "demo.db", free_port()
    env = {
        **os.environ,
        "FIRELINE_DATABASE_URL": f"sqlite:///{path}",
        "FIRELINE_RESPONSE_SWEEP_SECONDS": "2",
    }
    command = [sys.executable, "-m", "fireline", "demo", "--cases", "50", "--port", str(port)]
    demo = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: healthy(port), 180)
        workers = [p for p, cmd in children(demo.pid).items() if "fireline worker" in cmd]
        assert len(workers) == 1, children(demo.pid)
        case_id = _confirm_a_case(path)
        wait_until(lambda: _response_opened(path, case_id), 60)
    finally:
        demo.send_signal(signal.SIGINT)  # Ctrl-C
        demo.communicate(timeout=60)
    assert not Path(f"/proc/{workers[0]}").exists()  # the worker stopped with the demo
