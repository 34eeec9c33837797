"""The screening pages in headless Chromium: a lab user scans a pool tube and its members
at a site with the keyboard only, uploads a positive result for that tube, and sees its
members under hold with their single-retest orders, in English and Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
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
from fireline.people.models import Person
from fireline.settings import Settings
from fireline.testing.pooling import campaigns
from fireline.testing.pooling.schemas import CampaignCreate, SiteCreate
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import by_code
from tests.testing.factories import T0, context_of
from tests.web.browser import launch_browser, require_chromium, serve

pytestmark = pytest.mark.browser
MEMBERS = 4


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Engine, int]]:
    """Zhejiang's divisions, four persons in Shangcheng (330102), a campaign with a site."""
    engine = make_engine(
        f"sqlite:///{tmp_path / 'browser.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        county = by_code(session, "330102")
        session.add_all(
            Person(
                name=f"Resident {i}",
                national_id=f"33010219800101{i:04d}",
                jurisdiction_id=county.id,
            )
            for i in range(MEMBERS)
        )
        made = campaigns.create_campaign(
            session,
            context_of(),
            CampaignCreate(
                name="Shangcheng round 1",
                disease="covid19",
                jurisdiction_code="330102",
                prevalence=0.0005,
                starts_on=date(2026, 1, 2),
            ),
        )
        campaigns.add_site(
            session,
            system_actor(),
            made.id,
            SiteCreate(code="S1", name="Community centre", capacity_per_hour=600),
        )
        session.commit()
        campaign_id = made.id
    make_user(session_factory(engine)(), "lab", "lab", "330102")
    yield engine, campaign_id
    engine.dispose()


def build(engine: Engine) -> FastAPI:
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    app.state.clock = FrozenClock(T0)
    return app


def log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", "lab")
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/work")


def scan(page: Any, code: str) -> None:
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_a_scanned_positive_pool_puts_its_members_under_hold(
    database: tuple[Engine, int], tmp_path: Path
) -> None:
    require_chromium()
    engine, cid = database
    with serve(build(engine)) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        log_in(page, base)
        page.goto(f"{base}/testing/campaigns/{cid}/scan?site=S1")
        assert page.evaluate("document.activeElement.id") == "scan"
        scan(page, "POOL-0001")
        for i in range(MEMBERS):
            scan(page, f"33010219800101{i:04d}")  # the person's ID card, then the new tube
            scan(page, f"SW-{i:04d}")
        scan(page, "SW-0000")  # a duplicate: refused at once, not added
        assert "scanned twice" in page.locator("#scan-status").inner_text()
        assert page.locator("#member-count").inner_text() == str(2 * MEMBERS)
        page.keyboard.press("Enter")  # Enter on an empty line closes the tube
        page.wait_for_selector("#notice")
        assert "POOL-0001 registered with 4 samples" in page.locator("#notice").inner_text()
        assert page.evaluate("document.activeElement.id") == "scan"
        scan(page, "POOL-0002")
        scan(page, "SW-0001")
        page.keyboard.press("F8")
        page.wait_for_selector("#form-errors")
        assert "already in another pool of this round" in page.locator("#form-errors").inner_text()
        page.screenshot(path=str(tmp_path / "scan-en.png"), full_page=True)

        csv = tmp_path / "pools.csv"
        csv.write_text(
            "barcode,outcome,ct_value,resulted_at\n"
            "POOL-0001,positive,31.2,2026-01-02T10:00:00+00:00\n"
        )
        page.goto(f"{base}/testing/upload")
        page.set_input_files("#file", str(csv))
        page.check("#kind-pools")
        page.click("form[action='/testing/upload'] button[type=submit]")
        page.wait_for_selector("#report")
        assert "Members under hold" in page.locator("#report").inner_text()

        page.goto(f"{base}/testing/campaigns/{cid}")
        rows = page.locator("table.retests tbody tr")
        assert rows.count() == MEMBERS
        assert rows.first.locator("td.hold").inner_text() == "Under hold"
        assert rows.first.locator("td.retest").inner_text() == "Awaiting retest"
        page.goto(f"{base}/testing/campaigns/{cid}?lang=zh")
        assert page.locator("table.retests td.hold").first.inner_text() == "临时管控中"
        assert "待复核" in page.locator("table.retests").inner_text()
        page.screenshot(path=str(tmp_path / "campaign-zh.png"), full_page=True)
        assert not errors, errors
