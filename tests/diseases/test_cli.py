"""``fireline diseases list`` and ``show`` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fireline.diseases.cli import app
from fireline.diseases.loader import clear_profile_cache

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIRELINE_DISEASE_DIR", raising=False)
    clear_profile_cache()


def test_list_prints_every_code() -> None:
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    codes = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert codes == sorted(codes)
    assert {"covid19", "measles", "mpox", "ebola", "influenza", "cholera"} <= set(codes)
    assert "covid19\tCOVID-19 (Omicron)\t新型冠状病毒感染（奥密克戎变异株）" in result.stdout


def test_show_prints_a_profile() -> None:
    result = CliRunner().invoke(app, ["show", "covid19"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("covid19: COVID-19 (Omicron)")
    assert "close (密切接触者): facility quarantine 7 days, then home monitoring 3 days" in out
    assert "ct_threshold: min_ct 35.0, consecutive 2, interval_hours 24" in out
    assert "pooled testing: up to 10 in 1 [nhc_pool_10]" in out
    assert "nhc_plan_9: 新型冠状病毒肺炎防控方案（第九版）" in out


def test_show_json() -> None:
    result = CliRunner().invoke(app, ["show", "measles", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["code"] == "measles"
    assert data["serial_interval"]["mean_days"] == 14.9


def test_unknown_code_is_one_line_on_stderr() -> None:
    result = CliRunner().invoke(app, ["show", "plague"])
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: unknown disease 'plague' (known: cholera, covid19, ebola")


def test_override_dir_from_option_and_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "testpox.yaml").write_text((DATA / "minimal.yaml").read_text(encoding="utf-8"))
    result = CliRunner().invoke(app, ["list", "--disease-dir", str(tmp_path)])
    assert "testpox\tTest pox\t测试痘" in result.stdout
    monkeypatch.setenv("FIRELINE_DISEASE_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["show", "testpox"])
    assert result.exit_code == 0, result.output
    assert "playbook [ref], opens on: first_after_clean_days (28 days)" in result.stdout


def test_bad_override_is_one_line_on_stderr(tmp_path: Path) -> None:
    bad = (DATA / "negative_deadline.yaml").read_text(encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    result = CliRunner().invoke(app, ["list", "--disease-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "bad.yaml:" in result.stderr
    assert "playbook task 'contacts' has a negative deadline (-4 h)" in result.stderr
