"""A ``fireline worker`` beside a server in one command (``fireline demo``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SECONDS = 10


def worker_command() -> list[str]:
    return [sys.executable, "-m", "fireline", "worker"]


@contextmanager
def worker_process(database_url: str) -> Iterator[subprocess.Popen[bytes]]:
    """Start a worker on ``database_url``; stop it when the block ends, however it ends."""
    env = {**os.environ, "FIRELINE_DATABASE_URL": database_url}
    process = subprocess.Popen(worker_command(), env=env)
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the worker lets running jobs finish), then SIGKILL if it hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
