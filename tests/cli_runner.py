"""Running the ``fireline`` command in tests: in process, or as a real subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``, with their command lines (Linux /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                found[int(stat.parent.name)] = cmdline.decode()
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    return found


def wait_until(predicate: Callable[[], object], seconds: float) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := predicate():
            return found
        time.sleep(0.5)
    raise AssertionError(f"not true within {seconds} s")


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
