"""The served app and Debian's Chromium for page benchmarks.

The tests have their own helpers (tests/web/browser.py) that skip or fail a test;
a benchmark has no test to skip, so it says what is missing and stops. The app runs
under uvicorn in a thread of this process, as ``fireline serve`` runs it, without
the scheduler so that no background job shares the two cores with the page.
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

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
# Headless, software-rendered, nothing on the network but the app.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium (or ``FIRELINE_CHROMIUM``) through Playwright."""
    path = Path(os.environ.get("FIRELINE_CHROMIUM") or CHROMIUM)
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise SystemExit(
            f"Chromium not found at {path}: install Debian's chromium package "
            "or set FIRELINE_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(path), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def served(app: Any, timeout: float = 15.0) -> Iterator[str]:
    """``app`` under uvicorn on a free local port; yields the base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="bench-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)


def log_in(page: Page, base: str, username: str, password: str) -> None:
    """Through the login form, as a user does; the session cookie stays in the context."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/work")
