"""Launching Debian's Chromium through Playwright, and running the real app for it.

Shared by every domain's browser tests. Chromium is Debian's (``/usr/bin/chromium``)
or the one ``FIRELINE_CHROMIUM`` names; Playwright's own browser download is never
used. Launching and serving are the benchmarks' (bench/benchmarks/_browser.py); this
adds what a test needs: without Chromium a test is skipped locally and fails in CI (``CI=true``), so
a CI machine that lost its browser cannot pass silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from bench.benchmarks._browser import CHROMIUM as DEFAULT_CHROMIUM
from bench.benchmarks._browser import chromium, served
from bench.benchmarks._browser import log_in as log_in_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser


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
    """A headless Chromium, closed afterwards (skipped or failed first when missing)."""
    require_chromium()
    with chromium() as browser:
        yield browser


@contextmanager
def serve(app: Any, *, timeout: float = 15.0) -> Iterator[str]:
    """Run ``app`` with uvicorn in a background thread; yields its base URL."""
    with served(app, timeout) as base:
        yield base


__all__ = ["chromium_path", "launch_browser", "log_in_page", "require_chromium", "serve"]
