"""Investigation pages in headless Chromium: list a contact in an interview and see its
proposed quarantine order on the case's contact list; open a cluster's chain graph."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.auth.scope import Actor, system_actor
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.settings import Settings
from fireline.surveillance.schemas import CaseCreate, PersonIn
from fireline.surveillance.service import create_case
from fireline.tracing.links import add_link
from fireline.tracing.schemas import LinkCreate
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import by_code
from tests.surveillance.profiles import acting
from tests.web.browser import launch_browser, require_chromium, serve

pytestmark = pytest.mark.browser
TODAY = date.today()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Engine, list[int]]]:
    """Zhejiang's divisions, four COVID-19 cases in 330102 (a chain 1 → 2 → 3, 1 → 4)."""
    engine = make_engine(
        f"sqlite:///{tmp_path / 'b.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        place = by_code(session, "330102")
        actor = Actor(None, "setup", "admin", place.id, place.path)
        ids = []
        for i in range(4):
            case, _ = create_case(
                session,
                acting(actor),
                CaseCreate(
                    disease="covid19",
                    jurisdiction_code="330102",
                    classification="confirmed",
                    date_reporting=TODAY,
                    date_onset=TODAY - timedelta(days=4 - i),
                    person=PersonIn(name=f"Case {i}", phone=f"1390000000{i}"),
                ),
            )
            ids.append(case.id)
        for a, b in ((0, 1), (1, 2), (0, 3)):
            add_link(session, actor, LinkCreate(infector_case_id=ids[a], infectee_case_id=ids[b]))
        session.commit()
        make_user(session, "county", "investigator", "330102")
    yield engine, ids
    engine.dispose()


def log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", "county")
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/work")


def test_the_interview_on_a_phone(database: Any, tmp_path: Path) -> None:
    """Issue 14 at 390 px: the interview opens from the case page; an exposure row is added
    without a reload; a contact with a wrong phone is refused beside the phone with the
    typed values kept; fixed, it is listed and the list refreshes without a reload."""
    require_chromium()
    engine, ids = database
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the county's day, as the page
    last = today - timedelta(days=1)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        log_in(page, base)
        page.goto(f"{base}/surveillance/cases/{ids[0]}")
        page.click("#open-interview")
        page.wait_for_url(f"{base}/investigation/cases/{ids[0]}")
        page.check("input[name=symptoms][value=fever]")
        page.wait_for_function("document.getElementById('save-status').textContent.includes('v2')")
        page.fill("#exposure-address", "3 West Lake Road")
        page.fill("#exposure-day", last.isoformat())
        page.select_option("#exposure-setting", "work")
        page.click("#exposure-form button[type=submit]")
        page.locator("#exposure-table tr", has_text="3 West Lake Road").wait_for()
        assert "Workplace" in page.locator("#exposure-table").inner_text()
        page.fill("#contact-form input[name=name]", "Zhao Li")
        page.fill("#contact-form input[name=phone]", "abc-not-a-phone")
        page.select_option("#contact-form select[name=setting]", "household")
        page.fill("#contact-form input[name=last]", last.isoformat())
        page.click("#contact-form button[type=submit]")
        page.wait_for_function("document.getElementById('phone-error').textContent.length > 0")
        assert page.inner_text("#phone-error").startswith("Phone: abc-not-a-phone is not a phone")
        assert page.input_value("#contact-name") == "Zhao Li"
        assert page.input_value("#contact-last") == last.isoformat()
        page.screenshot(path=str(tmp_path / "refused.png"), full_page=True)
        page.fill("#contact-form input[name=phone]", "13711112222")
        page.click("#contact-form button[type=submit]")
        row = page.locator("#contact-table tr", has_text="Zhao Li")
        row.wait_for()
        end = last + timedelta(days=10)  # COVID-19 close contact: 7 facility + 3 home
        assert f"{max(today, last)} – {end}" in row.inner_text()
        assert page.input_value("#contact-name") == ""  # a fresh form for the next one
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        page.reload()
        assert page.locator("#contact-table tr", has_text="Zhao Li").count() == 1
        assert page.locator("input[name=symptoms][value=fever]").is_checked()
        page.screenshot(path=str(tmp_path / "interview.png"), full_page=True)
        page.goto(f"{base}/investigation/cases/{ids[0]}?lang=zh")
        page.screenshot(path=str(tmp_path / "interview-zh.png"), full_page=True)
        assert not errors, errors


def test_a_cluster_graph_renders(database: Any, tmp_path: Path) -> None:
    """The chain is fetched from the API and drawn; the timeline is a chart with a date
    axis and a legend (issue #15: a sliver with neither); the figures sit below."""
    require_chromium()
    engine, _ = database
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        log_in(page, base)
        page.goto(f"{base}/investigation/clusters")
        assert page.inner_text("#chain-r") == "0.75"  # 3 links over 4 cases, every chain
        page.click("#cluster-table a >> text=1")
        page.wait_for_selector("#chain-graph[data-rendered='4']")
        assert page.locator("#chain-graph canvas").count() >= 1
        assert page.evaluate("performance.getEntriesByName('chain-drawn').length") == 1
        assert page.inner_text("#chain-r") == "0.75" and page.inner_text("#chain-k")
        assert page.locator("#offspring-chart svg").count() == 1
        page.click("button[data-layout=timeline]")
        page.wait_for_selector("#chain-graph[data-layout-drawn=timeline]", state="attached")
        assert page.get_attribute("button[data-layout=timeline]", "aria-pressed") == "true"
        assert page.get_attribute("#chain-timeline", "data-rendered") == "4"
        drawn = page.text_content("#chain-timeline svg") or ""
        assert "Date of onset" in drawn and "Confirmed" in drawn  # axis title and legend
        assert not page.is_visible("#chain-graph")
        page.screenshot(path=str(tmp_path / "timeline.png"))
        page.click("button[data-layout=tree]")
        page.wait_for_selector("#chain-graph[data-layout-drawn=tree]", state="attached")
        # issue 14: a case in the chain opens its interview (tapped after evaluate returns,
        # so the navigation does not cut the evaluation short)
        page.evaluate("setTimeout(() => window.firelineChain.nodes()[0].emit('tap'), 0)")
        page.wait_for_url(re.compile(r".*/investigation/cases/\d+$"))
        assert page.locator("#interview-form").count() == 1
        assert not errors, errors
