from __future__ import annotations

from pathlib import Path

import pytest
from bench.benchmarks import import_cases
from bench.registry import discover


def test_import_cases_is_a_harness_module() -> None:
    assert discover()["import-cases"] is import_cases


def test_small_sqlite_run_measures_all_three(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIRELINE_BENCH_POSTGRES_URL", raising=False)
    monkeypatch.delenv("FIRELINE_TEST_POSTGRES_URL", raising=False)
    monkeypatch.setitem(import_cases.ROWS, "small", 500)
    result = import_cases.run("small").as_dict("import-cases", "small")
    sqlite = result["sqlite"]
    assert sqlite["rows"] == 500 and "postgresql" not in result
    assert min(sqlite["fireline_s"], sqlite["baseline_same_tables_s"]) > 0
    assert sqlite["floor_bare_text_table_s"] > 0 and result["ratio"] == sqlite["ratio"]


def test_rows_without_national_id_are_persons_of_their_own(tmp_path: Path) -> None:
    from bench.benchmarks._import_rows import same_rows

    table = import_cases.generate(400, ["C1A", "C1B"], without_id=0.5)
    blank = sum(1 for v in table.column("national_id").to_pylist() if v == "")
    assert 150 < blank < 250
    path = tmp_path / "rows.csv"
    import_cases.write_csv(table, path)
    persons, cases = same_rows(path, {"C1A": 1, "C1B": 2}, batch_id=1)
    assert persons.num_rows == 400 and sorted(cases.column("person_id").to_pylist()) == list(
        range(1, 401)
    )
