"""/api/v1/docs renders Swagger UI with every request to another server blocked, and
pages run under the CSP without a violation (Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.auth.scope import system_actor
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.settings import Settings
from fireline.web.templating import STATIC_DIR
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import by_code
from tests.web.browser import launch_browser, require_chromium, serve
from tests.web.pages import add_case

pytestmark = pytest.mark.browser


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(
        f"sqlite:///{tmp_path / 'docs.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        add_case(session, by_code(session, "330102"), "confirmed", date.today())
        session.commit()
        make_user(session, "province", "admin", "330000")
    yield engine
    engine.dispose()


def _offline(page, base: str, outside: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Abort every request that is not to the server under test, and note it."""
    local = urlsplit(base).netloc

    def route(request_route) -> None:  # type: ignore[no-untyped-def]
        url = request_route.request.url
        if urlsplit(url).netloc == local or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page.route("**/*", route)


def _watched_offline_page(browser: Any, base: str) -> tuple[Any, list[str], list[str]]:
    """A page cut off from everything but ``base``; the outside requests it tried and
    its errors are collected."""
    page = browser.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _offline(page, base, outside)
    return page, outside, errors


def test_api_docs_render_without_internet(database: Engine) -> None:
    require_chromium()
    if not (STATIC_DIR / "vendor" / "swagger-ui-bundle.js").is_file():
        pytest.fail("swagger-ui-dist is not vendored: run `make vendor`")
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    with serve(app) as base, launch_browser() as browser:
        page, outside, errors = _watched_offline_page(browser, base)
        page.goto(f"{base}/api/v1/docs")
        page.wait_for_selector(".swagger-ui .opblock-tag", timeout=15_000)
        assert page.locator(".swagger-ui .info .title").inner_text().startswith("Fireline")
        # Swagger UI draws sections as they scroll into view; the first is the log-in API.
        assert page.locator(".opblock-tag").first.inner_text().strip() == "auth"
        assert "/api/v1/auth/token" in page.locator(".opblock-summary-path").first.inner_text()
        assert outside == [] and errors == []


def test_pages_and_charts_run_under_the_policy(database: Engine) -> None:
    require_chromium()
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    with serve(app) as base, launch_browser() as browser:
        page, outside, errors = _watched_offline_page(browser, base)
        page.goto(f"{base}/login")
        page.fill("#username", "province")
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(f"{base}/work")
        page.goto(f"{base}/surveillance")
        page.wait_for_selector("#epicurve svg", timeout=15_000)
        assert outside == [] and errors == [], errors
