"""The investigator's pages on a phone (390 px wide, in Chinese): nothing wider than the
screen, and the navigation folds behind a menu whose items read on one line each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.clock import FrozenClock
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.demo.service import PASSWORD, demo_context, load_demo
from fireline.settings import Settings
from tests.web.browser import launch_browser, require_chromium, serve

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

pytestmark = pytest.mark.browser

TODAY = date(2026, 11, 28)
PHONE: ViewportSize = {"width": 390, "height": 844}  # a common phone's CSS pixels
# Lines of text a nav item wraps to: a label broken one character per line has several.
WRAPPED_ITEMS = """() => [...document.querySelectorAll('.mainnav a')].filter(a => {
  const range = document.createRange(); range.selectNodeContents(a);
  return range.getClientRects().length > 1;
}).map(a => a.textContent.trim())"""
OVERFLOW = """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"""


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(
        f"sqlite:///{tmp_path / 'phone.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        load_demo(session, demo_context(TODAY), cases=40, seed=2)
        session.commit()
    yield engine
    engine.dispose()


def test_every_main_page_fits_a_phone(database: Engine, tmp_path: Path) -> None:
    require_chromium()
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    app.state.clock = FrozenClock(demo_context(TODAY).now())
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport=PHONE, locale="zh-CN")
        page.goto(f"{base}/login?lang=zh")
        page.fill("#username", "shangcheng-investigator")
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(f"{base}/work")

        assert page.locator(".mainnav").is_hidden(), "the menu starts folded on a phone"
        page.click(".nav-toggle")
        assert page.locator(".nav-toggle").get_attribute("aria-expanded") == "true"
        links = page.locator(".mainnav a")
        targets = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        assert len(targets) >= 7 and "/quarantine" in targets
        problems: list[str] = []
        for target in targets:
            page.goto(base + target)
            scroll, client = page.evaluate(OVERFLOW)
            if scroll > client:
                problems.append(f"{target}: {scroll} px wide on a {client} px screen")
            page.click(".nav-toggle")
            wrapped = page.evaluate(WRAPPED_ITEMS)
            if wrapped:
                problems.append(f"{target}: nav items wrap: {wrapped}")
        page.screenshot(path=str(tmp_path / "menu-390.png"))
        assert not problems, "\n".join(problems)
