"""The review queue in a real headless Chromium: select all, confirm, open the venue timeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from fireline.app import create_app
from fireline.auth.scope import system_actor
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.diseases.loader import load_profiles
from fireline.settings import Settings
from fireline.tracing.models import Contact
from fireline.tracing.venues.rules import ExposureRule
from fireline.tracing.venues.service import propose_exposures
from tests.auth.factories import PASSWORD, make_user
from tests.tracing.venues.factories import NOON, venue_world
from tests.web.browser import launch_browser, require_chromium, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(
        f"sqlite:///{tmp_path / 'venues.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        world = venue_world(session)
        propose_exposures(
            session,
            system_actor(),
            load_profiles(),
            ExposureRule(),
            case_ids=[world["case"].id],
            now=NOON,
        )
        session.commit()
        make_user(session, "tracer", "investigator", "C1A")
    yield engine
    engine.dispose()


def test_select_all_confirm_and_open_the_venue(database: Engine) -> None:
    require_chromium()
    app = create_app(Settings(database_url=str(database.url)), engine=database)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/investigation/venue-exposures")
        page.fill("#username", "tracer")
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(f"{base}/investigation/venue-exposures")
        assert page.locator("#proposals input.pick").count() == 3
        page.check("#select-all")
        assert page.locator("#proposals input.pick:checked").count() == 3
        with page.expect_navigation():
            page.click("button[value=confirm]")
        assert "3 proposed contacts confirmed" in page.locator(".notice").inner_text()
        assert page.locator("#proposals input.pick").count() == 0

        page.goto(f"{base}/investigation/venue-exposures?lang=zh&case=1")
        assert "待确认密接" in page.locator("h1").inner_text()
        page.goto(f"{base}/venues/1?case=1&lang=en")
        assert page.locator("#venue-timeline li.is-case").count() == 1
        assert not errors, errors
    with session_factory(database)() as session:
        assert len(session.scalars(select(Contact)).all()) == 3
