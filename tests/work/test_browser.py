""" "My work" in headless Chromium on a phone (390 px) in Chinese: log-in lands there, the
sections fit the screen, and a case card opens its interview."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.clock import FrozenClock
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.settings import Settings
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import small_tree
from tests.web.browser import launch_browser, require_chromium, serve
from tests.work.factories import NOW, county_day, swept

pytestmark = pytest.mark.browser


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Engine, list[int]]]:
    engine = make_engine(
        f"sqlite:///{tmp_path / 'w.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        tree = small_tree(session)
        own = county_day(session, tree["C1A"], "Ann")
        county_day(session, tree["C2A"], "Zed")
        swept(session)
        make_user(session, "inv", "investigator", "C1A")
    yield engine, own.to_interview
    engine.dispose()


def test_my_work_fits_a_phone_in_chinese(
    database: tuple[Engine, list[int]], tmp_path: Path
) -> None:
    require_chromium()
    engine, cases = database
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    app.state.clock = FrozenClock(NOW)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/login?lang=zh")
        page.fill("#username", "inv")
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(f"{base}/work")
        assert page.locator("h1").inner_text() == "我的工作"
        assert page.locator("#cases_to_interview .kcard").count() == len(cases)
        assert page.locator("a[href^='tel:']").count() >= 1
        assert "Zed" not in page.content()
        page.screenshot(path=str(tmp_path / "work-390-zh.png"), full_page=True)
        # Nothing wider than the screen: no sideways scrolling of the page.
        assert page.evaluate("document.documentElement.scrollWidth") == 390
        page.click(f"#cases_to_interview a[href='/investigation/cases/{cases[0]}']")
        page.wait_for_url(f"{base}/investigation/cases/{cases[0]}")
        assert not errors, errors
