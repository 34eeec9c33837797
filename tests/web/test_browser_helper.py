"""Without Chromium a browser test is skipped locally but fails in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web import browser


def test_missing_chromium_skips_outside_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FIRELINE_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium not found"):
        browser.require_chromium()


def test_missing_chromium_fails_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FIRELINE_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Chromium not found"):
        browser.require_chromium()


def test_chromium_path_defaults_to_debian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIRELINE_CHROMIUM", raising=False)
    assert browser.chromium_path() == Path("/usr/bin/chromium")
