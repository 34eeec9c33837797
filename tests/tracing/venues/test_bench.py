"""The venue benchmark at a tiny scale: it runs, finds exposures, and pandas agrees."""

from __future__ import annotations

import pytest
from bench.benchmarks import venues


def test_small_run_reports_both_baselines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(venues.ROWS, "small", 200_000)
    monkeypatch.setitem(venues.CASES, "small", 40)
    result = venues.run("small").as_dict("venues", "small")
    assert result["check_ins"] == 200_000 and result["index_cases"] == 40
    assert result["exposures"] == result["proposed"] > 0
    assert result["subset_results_identical"] is True
    assert result["ratio"] is not None and result["pandas_over_duckdb"] > 0
