"""``fireline analyze`` through the Typer CLI runner."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from fireline.analytics import earsc
from fireline.analytics.cli import app

from ._data import DATA, EPIESTIM, SURVEILLANCE, column, read_csv

OUTBREAKS = DATA / "outbreaks"
runner = CliRunner()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_rt_non_parametric_matches_epiestim() -> None:
    result = runner.invoke(
        app,
        [
            "rt",
            str(EPIESTIM / "Flu2009_incidence.csv"),
            "--si-distr",
            str(EPIESTIM / "Flu2009_si_distr.csv"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    out = rows(result.stdout)
    ref = read_csv(EPIESTIM / "reference_estimate_R_example1.csv")
    assert list(out[0]) == list(ref)  # EpiEstim's columns, dates after t_end
    got = np.array([float(r["Mean(R)"]) for r in out])
    np.testing.assert_allclose(got, column(ref, "Mean(R)"), rtol=1e-6)
    assert out[0]["date_start"] == "2009-04-28"


def test_rt_local_imported_to_file(tmp_path: Path) -> None:
    src = tmp_path / "incid.csv"
    inc = read_csv(EPIESTIM / "reference_example2_incidence.csv")
    src.write_text(
        "dates,local,imported\n"
        + "".join(f"{t},{lo},{im}\n" for t, lo, im in zip(*inc.values(), strict=True))
    )
    dest = tmp_path / "rt.csv"
    args = ["rt", str(src), "--si-mean", "2.6", "--si-sd", "1.5", "--out", str(dest)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    ref = read_csv(EPIESTIM / "reference_estimate_R_example2.csv")
    got = np.array([float(r["Median(R)"]) for r in rows(dest.read_text())])
    np.testing.assert_allclose(got, column(ref, "Median(R)"), rtol=1e-6)


def test_aberration_farrington_matches_reference(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "aberration",
            str(SURVEILLANCE / "vignette_sim_pointsource_observed.csv"),
            "--method",
            "farrington",
            "--alpha",
            "0.01",
        ],
    )
    assert result.exit_code == 0, result.stderr
    out = {int(r["t"]): r for r in rows(result.stdout)}
    ref = read_csv(SURVEILLANCE / "vignette_sim_pointsource_algo_outputs_t300_400.csv")
    for t, upper, alarm in zip(
        column(ref, "t"),
        column(ref, "farrington_a001_upperbound"),
        column(ref, "farrington_a001_alarm"),
        strict=True,
    ):
        assert float(out[int(t)]["threshold"]) == pytest.approx(upper, abs=1e-6)
        assert out[int(t)]["alarm"] == str(int(alarm))


@pytest.mark.parametrize("method", ["ears-c1", "ears-c2", "ears-c3", "farrington-flexible"])
def test_aberration_methods_and_date_column(tmp_path: Path, method: str) -> None:
    table = read_csv(SURVEILLANCE / "salmNewport_weekly_by_state.csv")
    src = tmp_path / "weekly.csv"
    src.write_text(
        "date,observed\n"
        + "".join(
            f"{d},{o}\n" for d, o in zip(table["week_start"], table["germany_total"], strict=True)
        )
    )
    args = ["aberration", str(src), "--method", method, "--threshold-method", "nbPlugin"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    out = rows(result.stdout)
    extra = ["statistic"] if method.startswith("ears-") else []  # EARS adds its statistic
    assert list(out[0]) == ["date", "observed", "threshold", "alarm", *extra]
    assert out[-1]["date"] == "2014-02-10"


def _series_csv(tmp_path: Path, values: list[float]) -> str:
    src = tmp_path / "daily.csv"
    src.write_text("t,observed\n" + "".join(f"{i},{v:g}\n" for i, v in enumerate(values, 1)))
    return str(src)


SPIKE = [2.0, 3.0] * 5 + [2.0, 30.0]  # quiet, then a spike on day 12


@pytest.mark.parametrize(("variant", "alarm"), [("cdc", "1"), ("r-surveillance", "0")])
def test_aberration_c3_variants(tmp_path: Path, variant: str, alarm: str) -> None:
    args = ["aberration", _series_csv(tmp_path, SPIKE), "--method", "ears-c3"]
    result = runner.invoke(app, [*args, "--c3-variant", variant])
    assert result.exit_code == 0, result.stderr
    (row,) = rows(result.stdout)
    ref = earsc(SPIKE, method="C3", variant=variant)  # type: ignore[arg-type]
    assert row["alarm"] == alarm == str(int(ref.alarm[0]))
    assert float(row["threshold"]) == pytest.approx(float(ref.threshold[0]), rel=1e-12)
    assert float(row["statistic"]) == pytest.approx(float(ref.statistic[0]), rel=1e-12)


def test_aberration_h_sets_the_ears_level(tmp_path: Path) -> None:
    args = ["aberration", _series_csv(tmp_path, SPIKE), "--method", "ears-c1", "--h", "3"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    out = rows(result.stdout)
    ref = earsc(SPIKE, method="C1", h=3)
    np.testing.assert_allclose([float(r["threshold"]) for r in out], ref.threshold, rtol=1e-12)
    assert [r["alarm"] for r in out] == [str(int(a)) for a in ref.alarm]


def test_growth_command(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["growth", str(EPIESTIM / "Flu2009_incidence.csv"), "--window", "10"]
    )
    assert result.exit_code == 0, result.stderr
    (row,) = rows(result.stdout)
    assert float(row["r_low"]) < float(row["r"]) < float(row["r_high"])
    assert row["window"] == "10"


def _bad(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return str(path)


SI = ["--si-mean", "2.6", "--si-sd", "1.5"]
FLU = str(EPIESTIM / "Flu2009_incidence.csv")


@pytest.mark.parametrize(
    ("make_args", "needle"),
    [
        (lambda p: ["rt", str(p / "missing.csv"), *SI], "cannot read"),
        (lambda p: ["rt", _bad(p, "dates,cases\n1,2\n"), *SI], "'I'"),
        (lambda p: ["rt", _bad(p, "dates,I\n" + "1,x\n" * 10), *SI], "non-numeric"),
        (lambda p: ["rt", FLU], "--si-mean"),
        (lambda p: ["rt", FLU, "--si-distr", _bad(p, "k,p\n0,0.5\n1,0.5\n")], "si_distr[0]"),
        (lambda p: ["rt", _bad(p, "dates,I\n1,2\n2,3\n"), *SI], "at least"),
        (lambda p: ["aberration", _bad(p, "t,count\n1,2\n")], "'observed'"),
        (lambda p: ["aberration", _bad(p, "t,observed\n1,2\n2,3\n")], "too short"),
        (lambda p: ["aberration", _series_csv(p, SPIKE), "--h", "-1"], "h must be"),
        (
            lambda p: ["aberration", _series_csv(p, SPIKE), "--h", "2", "--alpha", "0.01"],
            "not both",
        ),
        (lambda p: ["growth", _bad(p, "I\n1\n2\n"), "--window", "5"], "window"),
        (lambda p: ["growth", _bad(p, "")], "no data rows"),
    ],
)
def test_errors_are_one_line_and_exit_2(tmp_path: Path, make_args, needle: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, make_args(tmp_path))
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert needle in lines[0]
    assert "Traceback" not in result.output


def test_cli_chains_csv_and_summary() -> None:
    path = OUTBREAKS
    args = [
        "chains",
        "--cases",
        str(path / "mers_korea_2015_linelist.csv"),
        "--links",
        str(path / "mers_korea_2015_contacts.csv"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    out = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(out[0]) == ["id", "cluster", "cluster_size", "generation", "offspring"]
    sk14 = next(r for r in out if r["id"] == "SK_14")
    assert sk14["offspring"] == "38" and sk14["cluster"] == "1" and sk14["cluster_size"] == "94"
    result = runner.invoke(app, [*args, "--summary"])
    summary = dict(csv.reader(io.StringIO(result.stdout)))
    assert summary["clusters"] == "67" and summary["cluster_sizes"].startswith("94:1")
    assert float(summary["offspring_mean"]) == pytest.approx(98 / 162, rel=1e-5)
    assert float(summary["k"]) < 0.1
    assert summary["superspreaders"].startswith("SK_14:38 SK_1:26 SK_16:21")


def test_cli_chains_warns_about_missing_ends_and_fails_cleanly() -> None:
    lines = OUTBREAKS / "ebola_sim_linelist.csv"
    result = runner.invoke(
        app,
        [
            "chains",
            "--cases",
            str(lines),
            "--links",
            str(OUTBREAKS / "ebola_sim_contacts.csv"),
            "--summary",
        ],
    )
    assert result.exit_code == 0
    assert "1639 links have a 'from'" in result.stderr
    result = runner.invoke(app, ["chains", "--cases", str(lines), "--links", str(lines)])
    assert result.exit_code == 2 and result.stderr.startswith("error:")


def _weekly(p: Path, values: list[float] | None = None) -> str:
    series = values if values is not None else [float(i % 5) for i in range(1, 300)]
    return _series_csv(p, series)


@pytest.mark.parametrize(
    ("make_args", "needle"),
    [
        # each exited 0 with a header only, infinite bounds or a 1e14-day doubling time
        (lambda p: ["rt", FLU, "--si-mean", "nan", "--si-sd", "1.5"], "--si-mean"),
        (lambda p: ["rt", FLU, "--si-mean", "2.6", "--si-sd", "inf"], "--si-sd"),
        (lambda p: ["rt", FLU, *SI, "--mean-prior", "nan"], "--mean-prior"),
        (lambda p: ["rt", FLU, *SI, "--std-prior", "inf"], "--std-prior"),
        (lambda p: ["aberration", _weekly(p), "--method", "farrington", "--alpha", "2"], "--alpha"),
        (
            lambda p: [
                "aberration",
                _weekly(p),
                "--method",
                "farrington-flexible",
                "--alpha",
                "nan",
            ],
            "--alpha",
        ),
        (
            lambda p: [
                "aberration",
                _weekly(p),
                "--method",
                "farrington-flexible",
                "--alpha",
                "-0.5",
            ],
            "--alpha",
        ),
        (lambda p: ["aberration", _weekly(p, [3.0, -1.0] * 10)], "negative count"),
        (lambda p: ["aberration", _weekly(p), "--method", "farrington", "--w", "-1"], "--w"),
        (lambda p: ["growth", _bad(p, "I\n" + "0\n" * 14)], "not enough data"),
        (lambda p: ["growth", _bad(p, "I\n" + "0\n" * 13 + "9\n")], "not enough data"),
        (lambda p: ["growth", _bad(p, "I\n3\n-4\n5\n6\n")], "negative count"),
    ],
)
def test_bad_values_exit_non_zero_with_one_line(tmp_path: Path, make_args, needle: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, make_args(tmp_path))
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert needle in lines[0]


def test_farrington_cli_is_quiet_and_says_not_enough_data(tmp_path: Path) -> None:
    """Reference weeks all zero but the newest: LAPACK wrote DLASCL lines to stdout and
    the command failed; run in a subprocess, as Fortran writes past Python's streams."""
    n = 52 * 5 + 4
    y = [0.0] * n
    y[n - 52 + 3 - 1] = 5.0
    y[-4:] = [1.0, 2.0, 3.0, 4.0]
    src = _weekly(tmp_path, y)
    cmd = [sys.executable, "-m", "fireline", "analyze", "aberration", src, "--method"]
    proc = subprocess.run([*cmd, "farrington"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = rows(proc.stdout)
    assert "DLASCL" not in proc.stdout + proc.stderr
    assert float(out[-1]["threshold"]) == pytest.approx(2.192065, abs=1e-6)  # R's value
    short = runner.invoke(
        app,
        [
            "aberration",
            _weekly(tmp_path, y[:265]),
            "--method",
            "farrington",
            "--b",
            "1",
            "--w",
            "0",
        ],
    )
    assert short.exit_code == 0
    assert "not enough data for a bound" in short.stderr


def test_links_file_with_a_header_and_no_links_is_valid(tmp_path: Path) -> None:
    cases = _bad(tmp_path, "id\nA\nB\n")
    links = tmp_path / "links.csv"
    links.write_text("from,to\n")
    result = runner.invoke(app, ["chains", "--cases", cases, "--links", str(links)])
    assert result.exit_code == 0, result.stderr
    assert [r["cluster_size"] for r in rows(result.stdout)] == ["1", "1"]
