"""The quarantine pages in headless Chromium: a contact's self-report with fever and a cough
shows flagged on the tracer's follow-up list; a release flag appears on the day the rule
is met, not the day before (the app's clock is moved, nothing sleeps); an order extended
from its page shows the new end date."""

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
from fireline.diseases import load_profiles
from fireline.quarantine import orders
from fireline.quarantine.schemas import IsolationCreate
from fireline.settings import Settings
from fireline.surveillance.models import Case
from tests.auth.factories import PASSWORD, make_user
from tests.people.factories import make_person
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, quarantine
from tests.web.browser import launch_browser, require_chromium, serve

pytestmark = pytest.mark.browser
DAY = T0.date()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Engine, dict[str, Any]]]:
    """County C1A: a contact in quarantine with a self-report link, and a measles case
    isolated with onset four days ago (the profile releases 5 days after onset)."""
    engine = make_engine(
        f"sqlite:///{tmp_path / 'browser.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        tree = small_tree(session)
        order = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Ann Contact")
        _, token = orders.issue_token(session, system_actor(), order.id, version=order.version)
        person = make_person(session, tree["C1A"], "Mo Measles")
        case = Case(person_id=person.id, jurisdiction_id=tree["C1A"].id, disease="measles",
                    classification="confirmed", date_reporting=DAY - timedelta(days=3),
                    date_onset=DAY - timedelta(days=4))  # fmt: skip
        session.add(case)
        session.flush()
        isolation = orders.create_isolation(
            session, system_actor(), IsolationCreate(case_id=case.id, start_date=DAY),
            profiles=load_profiles(), today=DAY)  # fmt: skip
        session.commit()
        make_user(session, "tracer", "investigator", "C1A")
        ids = {"order": order.id, "token": token, "isolation": isolation.id}
    yield engine, ids
    engine.dispose()


def build(engine: Engine, clock: FrozenClock) -> FastAPI:
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    app.state.clock = clock
    return app


def log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", "tracer")
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/")


def watch(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_a_self_report_with_symptoms_shows_flagged_on_the_follow_up_list(
    database: tuple[Engine, dict[str, Any]], tmp_path: Path
) -> None:
    require_chromium()
    engine, ids = database
    app = build(engine, FrozenClock(T0))
    with serve(app) as base, launch_browser() as browser:
        phone = browser.new_page(viewport={"width": 390, "height": 800})  # the contact's phone
        errors = watch(phone)
        phone.goto(f"{base}/r/{ids['token']}")
        phone.fill("#temperature", "38.6")
        phone.check("input[name=symptoms][value=cough]")
        phone.click("#send-report")
        assert "received" in phone.locator("#report-sent").inner_text()
        phone.screenshot(path=str(tmp_path / "self-report.png"))
        desk = browser.new_page(viewport={"width": 1366, "height": 900})
        errors += watch(desk)
        log_in(desk, base)
        desk.goto(f"{base}/quarantine?list=flagged&j=C1A")
        row = desk.locator(f"#due-table tr[data-order='{ids['order']}']")
        assert "Ann Contact" in row.inner_text()
        assert row.locator(".flag-symptomatic").count() == 1
        desk.screenshot(path=str(tmp_path / "flagged.png"), full_page=True)
        assert not errors, errors


def test_a_release_flag_appears_on_the_day_the_rule_is_met(
    database: tuple[Engine, dict[str, Any]],
) -> None:
    require_chromium()
    engine, ids = database
    clock = FrozenClock(T0)  # onset + 4 days: measles releases after 5
    app = build(engine, clock)
    link = f"#release-flags a[href='/quarantine/orders/{ids['isolation']}']"
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors = watch(page)
        log_in(page, base)
        page.goto(f"{base}/quarantine?j=C1A")
        assert page.locator(link).count() == 0
        assert page.locator("#release-flags li.empty").count() == 1
        clock.advance(timedelta(days=1))
        page.reload()
        assert page.locator(link).count() == 1
        page.click(link)
        page.wait_for_url(f"{base}/quarantine/orders/{ids['isolation']}")
        assert "Mo Measles" in page.locator("h1").inner_text()
        assert not errors, errors


def test_extending_an_order_from_its_page_shows_the_new_end_date(
    database: tuple[Engine, dict[str, Any]], tmp_path: Path
) -> None:
    """Ann is a household contact of a case still isolating: her last exposure moves four
    days on, and the page shows the end date recounted by the COVID-19 close-contact rule."""
    require_chromium()
    engine, ids = database
    app = build(engine, FrozenClock(T0))
    later = DAY + timedelta(days=4)
    with serve(app) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors = watch(page)
        log_in(page, base)
        page.goto(f"{base}/quarantine/orders/{ids['order']}")
        assert (DAY + timedelta(days=10)).isoformat() in page.locator("#order-dates").inner_text()
        page.click("#extend-box summary")
        page.fill("#last_exposure", later.isoformat())
        page.click("#extend-submit")
        page.wait_for_url(f"{base}/quarantine/orders/{ids['order']}?done=extend")
        dates = page.locator("#order-dates").inner_text()
        assert (later + timedelta(days=10)).isoformat() in dates
        assert later.isoformat() in dates  # the new last exposure
        page.click("#change-box summary")
        page.click("#transfer-box summary")
        page.screenshot(path=str(tmp_path / "extended.png"), full_page=True)
        assert not errors, errors
