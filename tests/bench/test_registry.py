from __future__ import annotations

import json

import pytest
from bench.__main__ import main
from bench.registry import Measurement, discover


def test_benchmarks_are_discovered() -> None:
    assert {"simulate", "load-sqlite"} <= set(discover())


def test_measurement_reports_the_ratio() -> None:
    line = Measurement(3.0, "floor", 1.5, {"cases": 10}).as_dict("x", "small")
    assert line["ratio"] == 2.0 and line["cases"] == 10 and line["baseline"] == "floor"


def test_list_and_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    assert "simulate" in capsys.readouterr().out
    assert main(["nope"]) == 2


def test_small_simulate_prints_one_json_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.benchmarks import simulate

    monkeypatch.setitem(simulate.CASES, "small", 300)
    assert main(["simulate", "--scale", "small"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["name"] == "simulate" and result["rows"]["cases"] == 300
    assert result["figure_s"] > 0 and result["baseline_s"] > 0 and result["machine"]["cores"]
