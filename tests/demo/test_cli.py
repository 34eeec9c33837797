from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner, Result

from fireline.cli import build


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
def test_simulate_bad_input(
    tmp_path: Path, database: Path, args: list[str], message: str
) -> None:
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
