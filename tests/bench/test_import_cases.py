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
