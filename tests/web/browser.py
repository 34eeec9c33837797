"""Launching Debian's Chromium through Playwright, and running the real app for it.

Shared by every domain's browser tests. Chromium is Debian's (``/usr/bin/chromium``)
or the one ``FIRELINE_CHROMIUM`` names; Playwright's own browser download is never
used. Without Chromium a test is skipped locally and fails in CI (``CI=true``), so
a CI machine that lost its browser cannot pass silently.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> Path:
    return Path(os.environ.get("FIRELINE_CHROMIUM") or DEFAULT_CHROMIUM)


def require_chromium() -> Path:
    """The Chromium executable, or skip (locally) / fail (CI) saying what is missing."""
    path = chromium_path()
    if path.is_file() and os.access(path, os.X_OK):
        return path
    message = (
        f"Chromium not found at {path}: install Debian's chromium package "
        "or set FIRELINE_CHROMIUM to a Chromium executable"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError("unreachable")  # pragma: no cover - skip raises


@contextmanager
def launch_browser() -> Iterator[Browser]:
    """A headless Chromium, closed afterwards."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(app: Any, *, timeout: float = 15.0) -> Iterator[str]:
    """Run ``app`` with uvicorn in a background thread; yields its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test server did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)
