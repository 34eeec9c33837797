"""The README's "Using it" commands exist and take the options they are shown with.

Running each for real needs data and servers; ``--help`` and a parse of the whole line
catch a README that drifts from the CLI (a renamed option, a newly required one).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer

from fireline.cli import build
from tests.cli_runner import run

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^## Using it\n.*?^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)


def readme_commands() -> list[list[str]]:
    """Each ``fireline ...`` line of the block as arguments, without the program name."""
    found = BLOCK.search(README.read_text("utf-8"))
    assert found, "README.md has no ```sh block under '## Using it'"
    lines = [shlex.split(line, comments=True) for line in found.group(1).splitlines()]
    return [words[1:] for words in lines if words and Path(words[0]).name == "fireline"]


COMMANDS = readme_commands()


def split(args: list[str]) -> tuple[Any, list[str], list[str]]:
    """(the command, its sub-command path, the rest of the line) of ``args``."""
    # Typer ships its own copy of Click (typer._click), so groups are told apart by
    # what they do, not by Click's public classes.
    command: Any = typer.main.get_command(build())
    path: list[str] = []
    while hasattr(command, "get_command") and args[len(path) :][:1]:
        found = command.get_command(command.context_class(command), args[len(path)])
        if found is None:
            break
        command, path = found, [*path, args[len(path)]]
    return command, path, args[len(path) :]


def test_the_block_is_found_and_names_the_commands_it_shows() -> None:
    assert len(COMMANDS) >= 20
    assert ["cases", "import"] in [args[:2] for args in COMMANDS]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_each_readme_command_exists_and_its_help_lists_its_options(
    args: list[str], tmp_path: Path
) -> None:
    _, path, rest = split(args)
    assert path or args == ["--help"], f"no sub-command in {args}"
    result = run([*path, "--help"], tmp_path / "fireline.db")
    assert result.exit_code == 0, result.output
    used = [word.split("=", 1)[0] for word in rest if word.startswith("-")]
    assert [option for option in used if option not in result.output] == []


@pytest.mark.parametrize("args", [a for a in COMMANDS if "--help" not in a], ids=" ".join)
def test_each_readme_command_gives_every_option_the_cli_requires(args: list[str]) -> None:
    # A required option left out fails the command before it does anything (as
    # `cases import` without --disease did); a prompted one (a password) is asked for.
    command, _, rest = split(args)
    used = {word.split("=", 1)[0] for word in rest}
    missing = [
        param.opts[0]
        for param in command.params
        if param.param_type_name == "option" and param.required and not param.prompt
        if not used & {*param.opts}
    ]
    assert missing == []
