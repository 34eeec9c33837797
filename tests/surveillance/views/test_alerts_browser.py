"""The alert list in headless Chromium on a phone: it fits 390 px, the filter form
keeps its values, the pager pages, and a decision swaps its row in place (htmx)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.auth.scope import system_actor
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.settings import Settings
from tests.auth.factories import make_user
from tests.places.factories import by_code
from tests.surveillance.signals.factories import make_alert
from tests.surveillance.test_browser import log_in, watch
from tests.web.browser import launch_browser, require_chromium, serve

pytestmark = pytest.mark.browser
TODAY = date(2026, 11, 30)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    """Zhejiang's divisions; 30 EARS C2 alerts in Xihu, one Farrington week in Haishu."""
    engine = make_engine(
        f"sqlite:///{tmp_path / 'alerts.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        for back in range(30):
            make_alert(session, by_code(session, "330106"), TODAY - timedelta(days=back))
        weekly = make_alert(session, by_code(session, "330203"), TODAY - timedelta(days=1))
        weekly.method, weekly.threshold = "farrington", 11
        session.commit()
        make_user(session, "province", "admin", "330000")
    yield engine
    engine.dispose()


def test_the_alert_list_on_a_phone(database: Engine) -> None:
    require_chromium()
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        errors = watch(page)
        log_in(page, base, "province")
        page.goto(f"{base}/surveillance/alerts?lang=en")
        assert page.evaluate("document.documentElement.scrollWidth") == 390
        assert page.locator("#alert-table tbody tr").count() == 25
        page.click("a[rel=next]")
        assert page.locator("#alert-table tbody tr").count() == 6
        page.select_option("#method", "farrington")
        page.click("form.filters-panel button[type=submit]")
        page.wait_for_url("**method=farrington**")
        assert page.locator("#method").input_value() == "farrington"  # kept
        row = page.locator("#alert-table tbody tr")
        assert row.count() == 1 and "Farrington" in row.inner_text()
        filtered = page.url
        row.locator("button[value=acknowledge]").click()
        page.wait_for_selector("#alert-table .badge.confirmed")
        assert page.url == filtered  # swapped in place, no reload
        assert page.evaluate("document.documentElement.scrollWidth") == 390
        assert not errors, errors
