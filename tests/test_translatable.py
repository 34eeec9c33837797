"""``N_`` marks a message for extraction and leaves it as it is."""

from __future__ import annotations

import re
from pathlib import Path

from fireline.translatable import N_

ROOT = Path(__file__).resolve().parents[1]


def test_the_message_comes_back_unchanged() -> None:
    message = "The header “%(name)s” appears twice."
    assert N_(message) is message
    assert N_("") == ""


def test_the_documented_extraction_command_names_the_marker() -> None:
    # The marker is only useful if pybabel is told to look for it (``-k N_``).
    web = ROOT / "src" / "fireline" / "web"
    for where in (web / "babel.cfg", web / "translations" / "README.md"):
        text = where.read_text("utf-8")
        commands = re.findall(r"pybabel extract [^\n]*", text)
        assert commands, f"no `pybabel extract` command in {where.name}"
        assert all(re.search(r"(-k|--keyword)[ =]N_\b", c) for c in commands), where.name
