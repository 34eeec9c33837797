"""Counting what a user does on a page, by the rules of the SORMAS/Go.Data comparison
(docs/user-guide.md, "A day in numbers"): a click is one pointer action; choosing from a
dropdown is 2 (open, pick); a file chooser is 2 (button, pick in the dialog); focusing a
text field is free (Tab); a typed field is a field typed into.

Every action of the day goes through :class:`Counted`; the page it hands out for reading
refuses actions, so nothing can be done uncounted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACTIONS = frozenset(
    {"click", "dblclick", "tap", "fill", "type", "press", "check", "uncheck",
     "select_option", "set_input_files", "set_checked", "goto", "dispatch_event"}
)  # fmt: skip


class ReadOnly:
    """A page or locator for reading and waiting only; every action raises."""

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        if name in ACTIONS:
            raise AssertionError(f"{name} must go through Counted, to be counted")
        found = getattr(self._target, name)
        if name in ("locator", "first", "last", "nth", "get_by_role", "get_by_text"):
            if callable(found):
                return lambda *a, **k: ReadOnly(found(*a, **k))
            return ReadOnly(found)
        return found


@dataclass
class Tally:
    clicks: int = 0
    typed: int = 0


@dataclass
class Counted:
    """One user's page; ``step`` names the step the next actions count towards."""

    raw: Any
    steps: dict[str, Tally]
    step: str = ""
    page: ReadOnly = field(init=False)

    def __post_init__(self) -> None:
        self.page = ReadOnly(self.raw)

    def _add(self, clicks: int = 0, typed: int = 0) -> None:
        tally = self.steps.setdefault(self.step, Tally())
        tally.clicks += clicks
        tally.typed += typed

    def open(self, url: str, *, tap: bool) -> None:
        """Open a URL: the start page (free), or a link tapped in a text message (1)."""
        self._add(clicks=int(tap))
        self.raw.goto(url)

    def click(self, selector: str) -> None:
        self._add(clicks=1)
        self.raw.locator(selector).click()

    def check(self, selector: str) -> None:
        self._add(clicks=1)
        self.raw.locator(selector).check()

    def select(self, selector: str, **option: str) -> None:
        self._add(clicks=2)
        self.raw.locator(selector).select_option(**option)

    def fill(self, selector: str, text: str) -> None:
        self._add(typed=1)
        self.raw.locator(selector).fill(text)

    def choose_file(self, selector: str, files: Any) -> None:
        self._add(clicks=2)
        self.raw.locator(selector).set_input_files(files)
