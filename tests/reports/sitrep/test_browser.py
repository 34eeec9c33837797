"""The report page in headless Chromium at a phone's width, in Chinese."""

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
from tests.reports.sitrep.factories import DAY, outbreak
from tests.web.browser import launch_browser, log_in_page, require_chromium, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(
        f"sqlite:///{tmp_path / 'sitrep.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        outbreak(session)
        make_user(session, "province", "epidemiologist", "P")
    yield engine
    engine.dispose()


def test_the_report_reads_at_390_px_in_chinese(database: Engine) -> None:
    require_chromium()
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        log_in_page(page, base, "province", PASSWORD)
        page.goto(f"{base}/sitrep?j=P&date={DAY.isoformat()}&lang=zh")
        heading = page.locator("article.sitrep h1")
        assert "每日疫情通报" in heading.inner_text()
        assert page.locator("article.sitrep svg").count() >= 2  # epicurve and Rt
        # Nothing but the tables' own scroll boxes is wider than the phone.
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390
        assert page.locator("nav a[href='/sitrep']").count() >= 1
        link = page.locator("a", has_text="下载 PDF").get_attribute("href")
        assert link is not None and link.startswith("/sitrep.pdf?j=P")
        page.close()
