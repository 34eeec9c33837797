"""What every command shares: one-line errors on stderr and the ``--now`` option."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import typer

from fireline.console import fail, instant_option


def test_fail_is_one_line_on_stderr_and_the_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as stopped:
        fail("the target database is not empty; use --force to replace it")
    assert stopped.value.exit_code == 1
    captured = capsys.readouterr()
    assert captured.err == "error: the target database is not empty; use --force to replace it\n"
    assert captured.out == ""
    with pytest.raises(typer.Exit) as stopped:
        fail("x" * 300, code=2)  # long: still one line, never wrapped at the terminal width
    assert stopped.value.exit_code == 2
    assert capsys.readouterr().err == "error: " + "x" * 300 + "\n"


@pytest.mark.parametrize("message", ["cannot read cases [march].csv", "a stray [/] tag"])
def test_fail_prints_brackets_as_they_are(capsys: pytest.CaptureFixture[str], message: str) -> None:
    with pytest.raises(typer.Exit):
        fail(message)
    assert capsys.readouterr().err == f"error: {message}\n"


def test_now_is_an_iso_instant_in_utc_when_it_has_no_offset() -> None:
    shanghai = timezone(timedelta(hours=8))
    assert instant_option("2026-03-01T10:00+08:00") == datetime(2026, 3, 1, 10, 0, tzinfo=shanghai)
    assert instant_option("2026-03-01T10:00+08:00") == datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    naive = instant_option("2026-03-01T10:00")
    assert naive == datetime(2026, 3, 1, 10, 0, tzinfo=UTC) and naive.tzinfo is UTC


def test_without_now_it_is_the_present() -> None:
    before = datetime.now(UTC)
    now = instant_option(None)
    assert now.tzinfo is UTC and before <= now <= datetime.now(UTC)


def test_a_bad_now_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as stopped:
        instant_option("yesterday")
    assert stopped.value.exit_code == 1
    assert capsys.readouterr().err == (
        "error: --now 'yesterday' is not an ISO 8601 instant (YYYY-MM-DDTHH:MM[+08:00])\n"
    )
