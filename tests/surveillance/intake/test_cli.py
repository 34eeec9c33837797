from __future__ import annotations

from pathlib import Path

from fireline.places.importer import bundled_divisions
from tests.cli_runner import run

HEADER = "id,name,gender,location,date_onset,date_reporting"


def _database(tmp_path: Path) -> Path:
    database = tmp_path / "f.db"
    run(["db", "upgrade"], database)
    run(["jurisdictions", "import", str(bundled_divisions())], database)
    return database


def test_import_prints_counts_and_is_idempotent(tmp_path: Path) -> None:
    database = _database(tmp_path)
    file = tmp_path / "cases.csv"
    file.write_text(f"{HEADER}\nK1,Ann,female,330102,2024-03-01,2024-03-02\n", encoding="utf-8")
    first = run(["cases", "import", str(file), "--disease", "covid19"], database)
    assert first.exit_code == 0, first.output
    assert "1 cases created" in first.output
    second = run(["cases", "import", str(file), "--disease", "covid19"], database)
    assert second.exit_code == 0 and "0 cases created" in second.output
    assert "1 skipped as imported before" in second.output


def test_bad_rows_stop_the_import(tmp_path: Path) -> None:
    database = _database(tmp_path)
    file = tmp_path / "cases.csv"
    file.write_text(
        f"{HEADER}\nK1,Ann,female,999999,2024-03-01,2024-03-02\n"
        "K2,Bo,male,330102,2024-03-01,2024-03-02\n",
        encoding="utf-8",
    )
    result = run(["cases", "import", str(file), "--disease", "covid19"], database)
    assert result.exit_code == 1
    assert "line 2, location ('999999'): unknown jurisdiction code" in result.output
    assert "0 cases created" in result.output
    good = run(["cases", "import", str(file), "--disease", "covid19", "--good-rows-only"], database)
    assert good.exit_code == 0 and "1 cases created" in good.output


def test_map_option(tmp_path: Path) -> None:
    database = _database(tmp_path)
    file = tmp_path / "cases.csv"
    file.write_text("No,Who,Where,Reported\nM1,Ann,330102,2024-03-02\n", encoding="utf-8")
    unmapped = run(["cases", "import", str(file), "--disease", "covid19"], database)
    assert unmapped.exit_code == 1
    args = [
        "--map",
        "external_id=No",
        "--map",
        "name=Who",
        "--map",
        "jurisdiction=Where",
        "--map",
        "date_reporting=Reported",
    ]
    result = run(["cases", "import", str(file), "--disease", "covid19", *args], database)
    assert result.exit_code == 0, result.output
    assert "1 cases created" in result.output
