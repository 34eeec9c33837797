"""The day test's counter: an action done around it is refused, and each action counts by
the comparison's rules (a dropdown or a file chooser 2 clicks, a typed field 1)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.work.clicks import Counted, ReadOnly, Tally


class Target:
    """Stands for a Playwright page: records what was done to it."""

    def __init__(self) -> None:
        self.done: list[str] = []

    def locator(self, selector: str) -> Target:
        return self

    def inner_text(self) -> str:
        return "text"

    def __getattr__(self, name: str) -> Any:
        return lambda *a, **k: self.done.append(name)


def test_an_action_around_the_counter_is_refused() -> None:
    page = ReadOnly(Target())
    assert page.locator("#x").inner_text() == "text"
    for name in ("click", "fill", "select_option", "check", "goto", "press"):
        with pytest.raises(AssertionError, match="through Counted"):
            getattr(page.locator("#x"), name)
        with pytest.raises(AssertionError, match="through Counted"):
            getattr(page, name)


def test_actions_count_by_the_comparisons_rules() -> None:
    steps: dict[str, Tally] = {}
    user = Counted(Target(), steps, step="s")
    user.open("/login", tap=False)
    user.fill("#a", "x")
    user.select("#b", value="y")
    user.click("#c")
    user.check("#d")
    user.choose_file("#e", [])
    user.open("/r/token", tap=True)
    assert steps["s"] == Tally(clicks=2 + 1 + 1 + 2 + 1, typed=1)
    assert user.raw.done == [
        "goto", "fill", "select_option", "click", "check", "set_input_files", "goto"
    ]  # fmt: skip
