"""A risk zone screened end to end in headless Chromium: from the zone page's link to the
prefilled campaign form, a tube of the residents scanned and resulted negative, the round
closed on the dashboard, and the zone no longer missing its negative round."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from fireline.auth.scope import system_actor
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.people.models import Person
from tests.auth.factories import make_user
from tests.places.factories import by_code
from tests.testing.factories import T0
from tests.testing.test_browser import build, log_in, scan
from tests.web.browser import launch_browser, require_chromium, serve
from tests.zones.factories import COMPOUND, draw

pytestmark = pytest.mark.browser
RESIDENTS = 3


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Engine, int]]:
    """Zhejiang's divisions; a sealed zone in Shangcheng (330102) drawn ten days before the
    clock, with three residents."""
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
                address=f"{COMPOUND}{i + 1}幢101室",
                jurisdiction_id=county.id,
            )
            for i in range(RESIDENTS)
        )
        session.flush()
        zone = draw(session, county, drawn=T0.date() - timedelta(days=10), name="Wensan 88")
        session.commit()
        zone_id = zone.id
    make_user(session_factory(engine)(), "lab", "lab", "330102")
    yield engine, zone_id
    engine.dispose()


def test_a_zone_is_screened_and_its_negative_round_recorded(
    database: tuple[Engine, int], tmp_path: Path
) -> None:
    require_chromium()
    engine, zone_id = database
    with serve(build(engine)) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        log_in(page, base)
        page.goto(f"{base}/zones/{zone_id}")
        assert page.locator("li[data-missing=screening_round]").count() == 1
        page.click("#zone-screen")
        page.wait_for_selector("#prefill-note")
        assert page.input_value("#name") == "Screening of Wensan 88"
        assert page.input_value("#population") == str(RESIDENTS)
        assert page.is_checked("#target-zone")
        page.fill("#pool_size", "5")
        page.fill("#sites", "S1, Gate, 300")
        page.click("button[value=create]")
        page.wait_for_selector("#round-panel")
        assert page.is_disabled("#close-round")
        page.goto(page.url.split("?")[0] + "/scan?site=S1")
        scan(page, "ZONE-0001")
        for i in range(RESIDENTS):
            scan(page, f"33010219800101{i:04d}")
            scan(page, f"SW-{i:04d}")
        page.keyboard.press("Enter")
        page.wait_for_selector("#notice")
        board = page.url.split("/scan")[0]

        csv = tmp_path / "pools.csv"
        csv.write_text(
            "barcode,outcome,ct_value,resulted_at\nZONE-0001,negative,,2026-01-02T10:00:00+00:00\n"
        )
        page.goto(f"{base}/testing/upload")
        page.set_input_files("#file", str(csv))
        page.check("#kind-pools")
        page.click("form[action='/testing/upload'] button[type=submit]")
        page.wait_for_selector("#report")

        page.goto(board)
        assert f"{RESIDENTS} of {RESIDENTS}" in page.locator("#residents-sampled").inner_text()
        page.click("#close-round")
        page.wait_for_selector("table.closed-rounds")
        assert page.locator("table.closed-rounds td.round-result").inner_text() == "Negative"
        page.screenshot(path=str(tmp_path / "rounds-en.png"), full_page=True)
        page.click("table.closed-rounds a")
        page.wait_for_selector("#zone-rounds")
        assert page.locator("li[data-missing=screening_round]").count() == 0
        assert "Jan 2, 2026" in page.locator("section[aria-labelledby=zone-rounds]").inner_text()
        page.goto(f"{board}?lang=zh")
        assert "阴性" in page.locator("table.closed-rounds").inner_text()
        assert not errors, errors
