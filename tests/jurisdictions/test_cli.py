from __future__ import annotations

from pathlib import Path

from fireline.jurisdictions.importer import bundled_divisions
from tests.cli_runner import run, run_process


def test_import_bundled_then_list(tmp_path: Path) -> None:
    database = tmp_path / "f.db"
    run(["db", "upgrade"], database)
    result = run(["jurisdictions", "import", str(bundled_divisions())], database)
    assert result.exit_code == 0, result.output
    assert "102 jurisdictions created" in result.output
    listing = run(["jurisdictions", "list", "--level", "city"], database)
    assert "Hangzhou" in listing.output and "Shangcheng" not in listing.output


def test_bad_file_is_reported_and_exits_nonzero(tmp_path: Path) -> None:
    database = tmp_path / "f.db"
    run(["db", "upgrade"], database)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name_zh,name_en,level,parent_code\nX,x,X,county,NOPE\n")
    result = run_process(["jurisdictions", "import", str(bad)], f"sqlite:///{database}")
    assert result.returncode == 1
    assert "line 2: unknown parent code NOPE" in result.stderr
    assert "nothing was imported" in result.stderr
    listing = run(["jurisdictions", "list"], database)
    assert "X" not in listing.output.split("code", 1)[1].replace("│", "")[:5]


def test_missing_file(tmp_path: Path) -> None:
    result = run(["jurisdictions", "import", str(tmp_path / "nope.csv")], tmp_path / "f.db")
    assert result.exit_code == 1
