"""The surveillance pages in headless Chromium: the import wizard end to end, and the
dashboard's drill-down from province to city (table) to county (map)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from tests.surveillance.signals.factories import add_daily_cases, make_alert
from tests.web.browser import launch_browser, require_chromium, serve

if TYPE_CHECKING:
    from playwright.sync_api import FilePayload

pytestmark = pytest.mark.browser
WAVE = [1, 1, 2, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9, 10, 11, 12, 12, 13, 14, 14, 15, 16, 15, 14]
LINE_LIST = (
    "编号,姓名,性别,出生日期,地区编码,发病日期,报告日期,分类\n"
    "BT-1,陈一,男,1980-02-03,330102,2026-03-01,2026-03-03,确诊病例\n"
    "BT-2,林二,女,1975-06-07,330102,2026-03-02,2026-03-04,疑似病例\n"
    "BT-3,黄三,男,1990-09-09,330102,三月五日,2026-03-06,确诊病例\n"
)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    """Zhejiang's divisions, a wave in two Hangzhou districts and one Ningbo district."""
    engine = make_engine(
        f"sqlite:///{tmp_path / 'browser.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        for code, scale in (("330102", 1), ("330106", 2), ("330203", 1)):
            add_daily_cases(
                session,
                by_code(session, code),
                date.today(),
                [n * scale for n in WAVE],
                onset_lag=2,
            )
        session.commit()
        make_user(session, "province", "admin", "330000")
        make_user(session, "county", "investigator", "330102")
    yield engine
    engine.dispose()


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/work")


def watch(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_import_wizard_end_to_end(database: Engine, tmp_path: Path) -> None:
    require_chromium()
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        errors = watch(page)
        log_in(page, base, "county")
        page.goto(f"{base}/surveillance/imports?lang=zh")
        upload: FilePayload = {
            "name": "病例一览表.csv",
            "mimeType": "text/csv",
            "buffer": LINE_LIST.encode("gb18030"),
        }
        page.set_input_files("#file", files=[upload])
        page.click("#upload-form button[type=submit]")
        page.wait_for_url("**/mapping")
        assert page.locator("#map_name").input_value() == "姓名"
        page.click("#mapping-form button[type=submit]")
        page.wait_for_selector("#problems")
        problems = page.locator("#problems").inner_text()
        assert "三月五日" in problems and "4" in problems  # line 4 of the file
        page.screenshot(path=str(tmp_path / "import-report.png"), full_page=True)
        page.check("#good_rows_only")
        page.click("#commit-form button[type=submit]")
        page.wait_for_selector(".done")
        page.click("text=查看新导入的病例")
        page.wait_for_selector("#case-table")
        listed = page.locator("#case-table").inner_text()
        assert "陈一" in listed and "林二" in listed and "黄三" not in listed
        assert not errors, errors


def test_dashboard_drill_down(database: Engine, tmp_path: Path) -> None:
    require_chromium()
    if not all((STATIC_DIR / "vendor" / name).is_file() for name in VENDOR_FILES):
        pytest.skip("the front-end packages are not built (make vendor)")
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors = watch(page)
        log_in(page, base, "province")
        page.goto(f"{base}/surveillance?lang=en&days=28")
        page.wait_for_selector("#epicurve svg", timeout=10_000)
        page.wait_for_selector("#rt-chart svg", timeout=10_000)
        page.click("#children-table >> text=Hangzhou")  # province → city, by the table
        page.wait_for_url("**j=330100**")
        assert page.locator("#jurisdiction-switcher").input_value() == "330100"
        page.wait_for_selector("#incidence-map svg", timeout=10_000)
        circle = page.locator(
            "#incidence-map svg [aria-roledescription=circle][aria-label*='Xihu']"
        )
        with page.expect_navigation():  # city → county, by the map
            circle.first.click(force=True)
        assert "j=330106" in page.url
        page.wait_for_selector("#epicurve svg", timeout=10_000)
        page.wait_for_selector("#rt-chart svg", timeout=10_000)
        assert "xihu" in page.locator(".page-header .eyebrow").inner_text().lower()
        page.screenshot(path=str(tmp_path / "county.png"), full_page=True)
        assert not errors, errors


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_dashboard_fits_a_phone(database: Engine, language: str) -> None:
    """At 390 px a wide table (the open alerts, with their decision forms) scrolls in its
    box; nothing widens the page, not even the forms' visually hidden labels."""
    require_chromium()
    with session_factory(database)() as session:
        make_alert(session, by_code(session, "330102"), date.today())
        session.commit()
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        log_in(page, base, "province")
        page.goto(f"{base}/surveillance?lang={language}")
        assert page.locator("form.decide").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") == 390
