"""The pages in a real headless Chromium: log in, read the overview, switch language and place."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.auth.scope import system_actor
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.settings import Settings
from fireline.web.templating import STATIC_DIR, VENDOR_FILES
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import by_code
from tests.web.browser import launch_browser, require_chromium, serve
from tests.web.pages import add_case

pytestmark = pytest.mark.browser


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    """A fresh migrated SQLite file with Zhejiang's divisions, two users and a few cases."""
    engine = make_engine(
        f"sqlite:///{tmp_path / 'browser.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        for classification in ("confirmed", "confirmed", "suspected"):
            add_case(session, by_code(session, "330102"), classification, date.today())
        session.commit()
        make_user(session, "province", "admin", "330000")
    yield engine
    engine.dispose()


def test_log_in_switch_language_and_jurisdiction(database: Engine, tmp_path: Path) -> None:
    require_chromium()
    app = create_app(Settings(database_url=str(database.url), demo=True), engine=database)
    vendor_built = all((STATIC_DIR / "vendor" / name).is_file() for name in VENDOR_FILES)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto(f"{base}/surveillance")
        assert page.url.startswith(f"{base}/login?next=")
        page.fill("#username", "province")
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(f"{base}/surveillance")
        page.click("nav.mainnav >> text=Overview")
        assert page.locator("h1").inner_text() == "Situation overview"
        assert page.locator(".mechanism").count() == 6

        page.click("nav.languages >> text=简体中文")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "疫情概览"
        assert page.locator("html").get_attribute("lang") == "zh-CN"

        with page.expect_navigation():
            page.select_option("#jurisdiction-switcher", "330100")
        assert "杭州市" in page.locator(".page-header .eyebrow").inner_text()
        assert page.locator("#jurisdiction-switcher").input_value() == "330100"
        assert "上城区" in page.locator("table.data").inner_text()

        if vendor_built:
            page.wait_for_selector("#epicurve svg", timeout=10_000)
        else:
            assert "make vendor" in page.locator(".notice.warning").inner_text()
        page.screenshot(path=str(tmp_path / "overview-zh.png"), full_page=True)
        assert not errors, errors
    assert (tmp_path / "overview-zh.png").stat().st_size > 10_000
