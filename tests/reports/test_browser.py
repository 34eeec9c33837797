"""The county matrix in headless Chromium on a 390 px phone, in Chinese: the page does not
overflow, the figures scroll sideways under a name column that stays put, and a column
heading sorts the table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.settings import Settings
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases
from tests.web.browser import launch_browser, log_in_page, require_chromium, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(
        f"sqlite:///{tmp_path / 'matrix.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    yesterday = date.today() - timedelta(days=1)
    with session_factory(engine)() as session:
        tree = small_tree(session)
        add_daily_cases(session, tree["C1A"], yesterday, [3] * 30, onset_lag=2)
        add_daily_cases(session, tree["C1B"], yesterday, [1], onset_lag=1)
        session.commit()
        make_user(session, "province", "admin", "P")
    yield engine
    engine.dispose()


def test_matrix_on_a_phone_in_chinese(database: Engine) -> None:
    require_chromium()
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        log_in_page(page, base, "province", PASSWORD)
        page.goto(f"{base}/overview/matrix?j=C1&lang=zh")
        assert page.locator("h1").inner_text() == "逐地对比"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        wrap = page.locator(".table-wrap")
        assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")  # the figures scroll
        name = page.locator("#row-C1A th.sticky")
        left = name.bounding_box()
        wrap.evaluate("w => { w.scrollLeft = w.scrollWidth }")
        after = name.bounding_box()
        assert left is not None and after is not None and abs(after["x"] - left["x"]) < 1
        assert page.locator("#row-C1A svg.spark polyline").count() == 1
        assert "病例太少" in page.locator("#row-C1B").inner_text()  # one case: no Rt
        page.click("thead a:has-text('近 7 天')")  # a link: sorted on the server
        page.wait_for_url("**sort=last_7_days**")
        codes = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.id)")
        assert codes == ["row-C1A", "row-C1B"]
        assert not errors
