"""The care page on a phone, in Chinese, in headless Chromium: patients counted once, a
bed-demand chart per bed type with its legend and axes, and a bed type without beds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from fireline.app import create_app
from fireline.auth.scope import system_actor
from fireline.care import service
from fireline.care.schemas import AdmissionCreate, HospitalCreate
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.settings import Settings
from tests.auth.factories import PASSWORD, make_user
from tests.people.factories import make_person
from tests.places.factories import by_code
from tests.surveillance.signals.factories import add_daily_cases
from tests.web.browser import launch_browser, log_in_page, require_chromium, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    """Zhejiang's divisions; 40 COVID-19 cases a day for 60 days in 330102; one hospital
    with general and isolation beds (no intensive care) and two patients."""
    engine = make_engine(
        f"sqlite:///{tmp_path / 'c.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        place = by_code(session, "330102")
        today = datetime.now(ZoneInfo(place.timezone)).date()
        add_daily_cases(session, place, today, [40] * 60, onset_lag=1)
        body = HospitalCreate(
            name="Hospital", jurisdiction_code="330102", beds_general=40, beds_isolation=10
        )
        hospital = service.create_hospital(session, system_actor(), body)
        for bed_type in ("general", "isolation"):
            person = make_person(session, place, "Patient")
            stay = AdmissionCreate(person_id=person.id, bed_type=bed_type, severity="moderate")
            service.admit(session, system_actor(), hospital.id, stay, now=datetime.now(UTC))
        session.commit()
        make_user(session, "county", "viewer", "330102")
    yield engine
    engine.dispose()


def test_the_care_page_on_a_phone_in_chinese(database: Any, tmp_path: Path) -> None:
    require_chromium()
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        log_in_page(page, base, "county", PASSWORD)
        page.goto(f"{base}/care?lang=zh")
        for kind in ("general", "isolation", "icu"):
            page.wait_for_selector(f"#bed-chart-{kind} svg")
        assert page.inner_text("#patients-total") == "2"
        assert page.inner_text("#patients-general") == "1"
        assert "未登记重症监护床位" in page.inner_text("#beds-icu-capacity")
        drawn = page.text_content("#bed-chart-isolation svg") or ""
        assert "中位数" in drawn and "占用床位" in drawn and "日期" in drawn
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        box = page.locator("#bed-chart-general svg").bounding_box()
        assert box is not None and box["width"] <= 390
        page.screenshot(path=str(tmp_path / "care-zh-390.png"), full_page=True)
        assert not errors, errors
