from __future__ import annotations

from pathlib import Path

from tests.cli_runner import run, run_process


def test_upgrade_twice(tmp_path: Path) -> None:
    database = tmp_path / "f.db"
    first = run(["db", "upgrade"], database)
    assert first.exit_code == 0, first.output
    assert run(["db", "upgrade"], database).exit_code == 0
    assert database.exists()


def test_unreachable_database_is_one_line_and_nonzero() -> None:
    result = run_process(["db", "upgrade"], "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach the database")
    assert "Traceback" not in result.stderr
