"""Running the ``fireline`` command in tests: in process, or as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner, Result

from fireline.cli import build


def run(args: list[str], database: Path, input: str | None = None) -> Result:
    """Invoke the CLI in process against the SQLite file ``database``."""
    env = {"FIRELINE_DATABASE_URL": f"sqlite:///{database}"}
    return CliRunner().invoke(build(), args, env=env, input=input)


def run_process(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    """Run ``fireline`` as a user would, to see exactly what reaches the terminal."""
    env = {**os.environ, "FIRELINE_DATABASE_URL": database_url, "COLUMNS": "200"}
    command = [sys.executable, "-c", "from fireline.cli import main; main()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
