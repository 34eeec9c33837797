"""The quarantine pages in headless Chromium: a contact's self-report with fever and a cough
shows flagged on the tracer's follow-up list; a release flag appears on the day the rule
is met, not the day before (the app's clock is moved, nothing sleeps); an order extended
from its page shows the new end date; a contact listed in an interview waits in the queue
of proposed orders until it is confirmed, and is then an active order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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
from tests.places.factories import by_code, small_tree
from tests.quarantine.factories import T0, add_case, quarantine
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
        case = Case(
            person_id=person.id,
            jurisdiction_id=tree["C1A"].id,
            disease="measles",
            classification="confirmed",
            date_reporting=DAY - timedelta(days=3),
            date_onset=DAY - timedelta(days=4),
        )
        session.add(case)
        session.flush()
        isolation = orders.create_isolation(
            session,
            system_actor(),
            IsolationCreate(case_id=case.id, start_date=DAY),
            profiles=load_profiles(),
            today=DAY,
        )
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
    page.wait_for_url(f"{base}/work")


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


def _index_case(engine: Engine, today: Any) -> int:
    with session_factory(engine)() as session:
        case = add_case(
            session, by_code(session, "C1A"), onset=today - timedelta(days=3), name="Index Case"
        )
        session.commit()
        return case.id


def list_contact(page: Any, interview: str, name: str, last: Any) -> None:
    """List a household contact on the case's interview page, as a tracer on the phone."""
    page.goto(interview)
    page.fill("#contact-form input[name=name]", name)
    page.fill("#contact-form input[name=phone]", "13711112222")
    page.select_option("#contact-form select[name=setting]", "household")
    page.fill("#contact-form input[name=last]", last.isoformat())
    page.press("#contact-form input[name=last]", "Enter")
    page.locator("#contact-table tr", has_text=name).wait_for()


def test_a_contact_listed_in_an_interview_is_confirmed_from_the_queue(
    database: tuple[Engine, dict[str, Any]], tmp_path: Path
) -> None:
    """The interview page proposes on the real day (the county's), so the clock is now."""
    require_chromium()
    engine, _ = database
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    last = today - timedelta(days=1)
    case_id = _index_case(engine, today)
    with serve(build(engine, FrozenClock(now))) as base, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors = watch(page)
        log_in(page, base)
        list_contact(page, f"{base}/investigation/cases/{case_id}", "Zhao Li", last)
        assert "proposed" in page.locator("#contact-table tr", has_text="Zhao Li").inner_text()
        page.goto(f"{base}/quarantine/proposals?j=C1A")
        assert page.locator("#proposals-waiting").inner_text() == "1"
        queued = page.locator("#proposal-table tr", has_text="Zhao Li")
        # COVID-19 close contact (NHC plan 9): 7 days facility + 3 home, tests on days 1-3, 5, 7, 10
        assert f"{today} – {last + timedelta(days=10)}" in queued.inner_text()
        assert "1, 2, 3, 5, 7, 10" in queued.inner_text()
        page.check("#select-all")
        assert queued.locator("input.pick").is_checked()
        page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
        page.click("#confirm-selected")
        page.wait_for_url(f"{base}/quarantine/proposals?done=confirm&n=1")
        assert "Confirmed: 1." in page.locator("#decision-done").inner_text()
        assert page.locator("#proposal-table tr", has_text="Zhao Li").count() == 0
        assert page.locator("#proposals-waiting").count() == 0
        page.goto(f"{base}/quarantine?j=C1A")
        page.locator("#due-table tr", has_text="Zhao Li").locator("a").click()
        page.wait_for_url(re.compile(r".*/quarantine/orders/\d+$"))
        assert "Zhao Li" in page.locator("h1").inner_text()
        assert "Active" in (page.locator(".page-header .eyebrow").text_content() or "")
        page.goto(f"{base}/investigation/cases/{case_id}")
        assert "active" in page.locator("#contact-table tr", has_text="Zhao Li").inner_text()
        assert not errors, errors
