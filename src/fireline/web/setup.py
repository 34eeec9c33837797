"""Mount the pages and static assets on the app (placeholder until the pages land)."""

from __future__ import annotations

from fastapi import FastAPI

from fireline.settings import Settings


def install_pages(app: FastAPI, settings: Settings) -> None:
    """Add page routes, static files and templates to ``app``."""
