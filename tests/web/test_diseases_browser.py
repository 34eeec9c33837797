"""The cholera profile on a phone (390 px) in Chinese, in headless Chromium: the page
does not scroll sideways, the curves are drawn, the criteria read in Chinese, and a
source number jumps to its source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.settings import Settings
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import small_tree
from tests.web.browser import launch_browser, require_chromium, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    built = make_engine(
        f"sqlite:///{tmp_path / 'browser.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(built)
    with session_factory(built)() as session:
        small_tree(session)
        make_user(session, "viewer", "viewer", "C1A")
        session.commit()
    yield built
    built.dispose()


def test_the_cholera_profile_reads_on_a_phone_in_chinese(engine: Engine, tmp_path: Path) -> None:
    require_chromium()
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/login?lang=zh")
        page.fill("#username", "viewer")
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(f"{base}/work")
        page.goto(f"{base}/diseases/cholera?lang=zh")
        assert page.locator("h1").inner_text() == "霍乱"
        criteria = page.locator("#definitions tr[data-classification='confirmed'] .criteria")
        assert "O1群或O139群霍乱弧菌" in criteria.inner_text()
        assert "2 小时" in page.locator("#playbook tr[data-task='notify']").inner_text()
        page.locator("#delay-chart svg").wait_for()
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"the page scrolls sideways: {wide} px"
        page.locator("#incubation .cite a").first.click()
        assert page.evaluate("location.hash").startswith("#source-")
        page.screenshot(path=str(tmp_path / "cholera-zh-390.png"), full_page=True)
        assert not errors, errors
