"""The response pages in headless Chromium: a confirmed case opens a response that the county
board shows with its playbook tasks; when the app's clock passes a deadline, the overdue task
shows in red on the city's board."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.response.jobs import run_once
from fireline.settings import Settings
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import by_code
from tests.response.factories import T0, add_case, settings
from tests.web.browser import launch_browser, require_chromium, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    """Zhejiang's divisions, one confirmed case in Shangcheng (330102), a county and a city user."""
    engine = make_engine(
        f"sqlite:///{tmp_path / 'browser.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        add_case(session, by_code(session, "330102"), entered=T0)
        session.commit()
        make_user(session, "county", "investigator", "330102")
        make_user(session, "city", "epidemiologist", "330100")
    yield engine
    engine.dispose()


def build(database: Engine, clock: FrozenClock) -> FastAPI:
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    app.state.clock = clock
    app.state.response_settings = settings()
    return app


def sweep_now(app: FastAPI) -> None:
    """What `fireline serve` runs every minute, at the app's clock."""
    run_once(
        app.state.sessions, app.state.clock.now(), app.state.settings, app.state.response_settings
    )


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/work")


def watch(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_a_confirmed_case_opens_a_response_on_the_county_board(
    database: Engine, tmp_path: Path
) -> None:
    require_chromium()
    app = build(database, FrozenClock(T0 + timedelta(minutes=30)))
    sweep_now(app)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors = watch(page)
        log_in(page, base, "county")
        page.click("nav.mainnav >> text=Response")
        page.wait_for_url(f"{base}/response")
        assert page.locator("h1").inner_text() == "Response board"
        green = page.locator("#col-green").locator("xpath=..")
        assert green.locator(".kcard").count() == 8  # the COVID-19 playbook's case tasks
        assert page.locator(".kcol-red .kcard").count() == 0
        page.click(".kcard >> text=Isolate the case")
        page.wait_for_url(f"{base}/response/*")
        assert "Opened by confirmed case #" in page.locator(".lead").inner_text()
        names = page.locator("table.tasks tbody th").all_inner_texts()
        assert any("Interview the case" in n for n in names) and len(names) == 8
        page.screenshot(path=str(tmp_path / "response-detail-en.png"), full_page=True)
        page.click("nav.languages >> text=简体中文")
        page.wait_for_load_state()
        assert "由确诊" in page.locator(".lead").inner_text()
        assert page.locator("table.tasks .light-green").first.inner_text() == "正常"
        assert not errors, errors


def test_an_overdue_county_task_shows_red_on_the_city_board(
    database: Engine, tmp_path: Path
) -> None:
    require_chromium()
    clock = FrozenClock(T0 + timedelta(minutes=30))
    app = build(database, clock)
    sweep_now(app)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors = watch(page)
        log_in(page, base, "city")
        page.goto(f"{base}/response")
        assert page.locator(".kcard").count() == 0  # nothing is late yet
        clock.advance(timedelta(hours=2))  # past the 2-hour deadlines
        sweep_now(app)
        page.reload()
        red = page.locator(".kcol-red .kcard")
        assert red.count() == 2
        assert "Escalated from Shangcheng" in red.first.inner_text()
        assert red.first.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(180, 35, 24)"
        late = page.locator("table.late-table tbody tr").first.inner_text()
        assert "Shangcheng" in late and "2" in late
        assert page.locator(".subnav .count-badge").inner_text() == "2"
        page.screenshot(path=str(tmp_path / "city-board-en.png"), full_page=True)
        page.goto(f"{base}/response?lang=zh")
        assert "上城区逾期上报督办" in page.locator(".kcol-red .kcard").first.inner_text()
        assert page.locator(".kcol-red h2").inner_text().startswith("逾期")
        page.screenshot(path=str(tmp_path / "city-board-zh.png"), full_page=True)
        assert not errors, errors
    assert (tmp_path / "city-board-zh.png").stat().st_size > 10_000
