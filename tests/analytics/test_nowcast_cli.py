"""``fireline analyze nowcast`` and ``fireline analyze forecast`` through the CLI runner."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from fireline.analytics.cli import app
from fireline.analytics.nowcast import nowcast_lawless, reporting_triangle

runner = CliRunner()
START = date(2026, 10, 1)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def line_list(tmp_path: Path) -> tuple[Path, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    onset = np.sort(rng.integers(0, 60, 1200))
    report = onset + rng.poisson(3, onset.size)
    path = tmp_path / "cases.csv"
    lines = ["id,onset_date,report_date,extra"]
    lines += [
        f"{i},{START + timedelta(int(a))},{START + timedelta(int(b))},x"
        for i, (a, b) in enumerate(zip(onset, report, strict=True))
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, onset, report


def test_nowcast_prints_the_last_d_days_as_the_function_gives_them(
    line_list: tuple[Path, np.ndarray, np.ndarray],
) -> None:
    path, onset, report = line_list
    now = START + timedelta(55)
    result = runner.invoke(app, ["nowcast", str(path), "--now", str(now), "--max-delay", "10"])
    assert result.exit_code == 0, result.stderr
    out = _rows(result.stdout)
    assert list(out[0]) == ["date", "reported", "nowcast", "lower", "upper"]
    assert [r["date"] for r in out] == [str(now - timedelta(k)) for k in range(10, 0, -1)]
    tri = reporting_triangle(onset, report, now=55, max_delay=10, first_day=0)
    res = nowcast_lawless(tri)
    assert [int(r["nowcast"]) for r in out] == res.estimate[0, 45:55].astype(int).tolist()
    assert [int(r["upper"]) for r in out] == res.upper[0, 45:55].astype(int).tolist()
    assert all(int(r["lower"]) >= int(r["reported"]) for r in out)


def test_nowcast_bayes_and_days(line_list: tuple[Path, np.ndarray, np.ndarray]) -> None:
    path, _, _ = line_list
    args = ["nowcast", str(path), "--now", "2026-11-25", "--max-delay", "10"]
    result = runner.invoke(app, [*args, "--method", "bayes", "--days", "4"])
    assert result.exit_code == 0, result.stderr
    out = _rows(result.stdout)
    assert [r["date"] for r in out] == ["2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"]
    assert all(int(r["lower"]) <= int(r["nowcast"]) <= int(r["upper"]) for r in out)


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ("date,cases\n2026-10-01,3\n", [], "missing column onset_date, report_date"),
        ("onset_date,report_date\n2026-10-05,2026-10-03\n", [], "before onset_date"),
        ("onset_date,report_date\n2026-10-05,10/3/2026\n", [], "is not a date"),
        ("onset_date,report_date\n,2026-10-03\n", [], "is not a date"),
        ("onset_date,report_date\n2026-10-01,2026-10-03\n", ["--now", "2026-13-01"], "--now"),
        ("onset_date,report_date\n2026-10-01,2026-10-03\n", ["--max-delay", "0"], "max-delay"),
        ("onset_date,report_date\n2026-11-22,2026-11-23\n", [], "no onsets"),
        ("onset_date,report_date\n", [], "no data rows"),
    ],
)
def test_nowcast_bad_input_one_line_nonzero(
    tmp_path: Path, content: str, options: list[str], message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    defaults = {"--now": "2026-11-25", "--max-delay": "5"}
    for flag, value in zip(options[::2], options[1::2], strict=True):
        defaults[flag] = value
    argv = ["nowcast", str(path)] + [x for kv in defaults.items() for x in kv]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


@pytest.fixture
def daily(tmp_path: Path) -> Path:
    rng = np.random.default_rng(2)
    counts = rng.poisson(np.linspace(5, 30, 50))
    path = tmp_path / "daily.csv"
    rows = [f"{START + timedelta(i)},{c}" for i, c in enumerate(counts) if i != 20]  # a gap
    path.write_text("date,cases\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_forecast_prints_bands_after_the_last_day(daily: Path) -> None:
    args = ["forecast", str(daily), "--horizon", "14", "--si-mean", "4.7", "--si-sd", "2.9"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    out = _rows(result.stdout)
    assert list(out[0]) == ["date", "median", "lower50", "upper50", "lower90", "upper90"]
    assert out[0]["date"] == str(START + timedelta(50)) and len(out) == 14
    for r in out:
        v = [int(r[c]) for c in ("lower90", "lower50", "median", "upper50", "upper90")]
        assert v == sorted(v)


@pytest.mark.parametrize(
    ("options", "content", "message"),
    [
        (["--si-mean", "nan"], None, "--si-mean"),
        (["--si-sd", "-1"], None, "--si-sd"),
        (["--horizon", "0"], None, "--horizon"),
        (["--dispersion", "0"], None, "--dispersion"),
        ([], "date,cases\n2026-10-01,-3\n", "whole number"),
        ([], "date,cases\n2026-10-01,2.5\n", "whole number"),
        ([], "date,cases\n2026-10-01,3\n2026-10-01,4\n", "twice"),
        ([], "date,count\n2026-10-01,3\n", "missing column cases"),
        ([], "date,cases\n2026-10-01,3\n2026-10-02,4\n", "more than 7 days"),
    ],
)
def test_forecast_bad_input_one_line_nonzero(
    tmp_path: Path, daily: Path, options: list[str], content: str | None, message: str
) -> None:
    path = daily
    if content is not None:
        path = tmp_path / "bad.csv"
        path.write_text(content, encoding="utf-8")
    defaults = {"--si-mean": "4.7", "--si-sd": "2.9"}
    for flag, value in zip(options[::2], options[1::2], strict=True):
        defaults[flag] = value
    result = runner.invoke(
        app, ["forecast", str(path)] + [x for kv in defaults.items() for x in kv]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
