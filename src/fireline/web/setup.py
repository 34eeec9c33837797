"""Mount the pages, the static assets and the page error handling on the app."""

from __future__ import annotations

import importlib
from typing import Final

from fastapi import APIRouter, FastAPI

from fireline.settings import Settings
from fireline.web.assets import CachedStatic
from fireline.web.errors import install_page_errors
from fireline.web.templating import ASSETS, STATIC_DIR, build_state

# Modules with a page ``router``, imported when the app is built (nothing at import).
PAGE_MODULES: Final = (
    "fireline.web.account",
    "fireline.web.diseases",
    "fireline.reports.views",
    "fireline.reports.sitrep.views",
    "fireline.surveillance.views",
    "fireline.people.views",
    "fireline.response.views",
    "fireline.tracing.views",
    "fireline.tracing.venues.views",
    "fireline.testing.views",
    "fireline.quarantine.views",
    "fireline.care.views",
    "fireline.zones.views",
    "fireline.work.views",
    "fireline.exports.views",
)


def page_routers() -> list[APIRouter]:
    return [importlib.import_module(name).router for name in PAGE_MODULES]


def install_pages(app: FastAPI, settings: Settings) -> None:
    """Add page routes, static files (``/static``, ``/static/vendor``) and templates."""
    app.state.web = build_state(settings)
    # One mount serves both our assets and vendor/ (filled by `make vendor`, gitignored);
    # a URL with the file's content hash is cached for a year (web/assets.py).
    app.mount("/static", CachedStatic(directory=STATIC_DIR, versions=ASSETS), name="static")
    for router in page_routers():
        app.include_router(router, include_in_schema=False)
    install_page_errors(app)
