"""Quarantine operations in headless Chromium on a phone-sized page (390 px): the hotel's
front desk admits a guest to a room, moves them, and releases them after reviewing the
evidence with a reason; the queue of proposed orders fits the screen; a contact's
empty self-report is refused beside the form and a real one is accepted. One app is
served for the module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.quarantine import facilities, orders, staff
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.schemas import FacilityCreate, RoomIn
from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, propose, quarantine
from tests.quarantine.test_browser import build, watch
from tests.web.browser import launch_browser, require_chromium, serve

pytestmark = pytest.mark.browser
DAY = T0.date()
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """County C1A: Ann arriving at the Lakeside hotel (two rooms), Bo with a self-report
    link, two proposed orders; the hotel's front desk and a browser."""
    require_chromium()
    folder = tmp_path_factory.mktemp("ops")
    engine = make_engine(
        f"sqlite:///{folder / 'ops.db'}", connect_args={"check_same_thread": False}
    )
    upgrade(engine)
    with session_factory(engine)() as session:
        tree = small_tree(session)
        ann = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Ann Guest")
        hotel = facilities.create_facility(
            session,
            system_actor(),
            FacilityCreate(
                name="Lakeside",
                jurisdiction_code="C1A",
                rooms=[RoomIn(code="101", capacity=1), RoomIn(code="102", capacity=1)],
            ),
        )
        session.execute(
            update(QuarantineOrder)
            .where(QuarantineOrder.id == ann.id)
            .values(kind="facility", facility_id=hotel.id)
        )
        bo = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Bo Home")
        _, token = orders.issue_token(session, system_actor(), bo.id, version=bo.version)
        for n in range(2):
            propose(session, tree["C1A"], last=DAY, today=DAY, name=f"A Rather Long Name {n}")
        session.commit()
        desk = make_user(session, "desk", "facility", "C1A")
        make_user(session, "tracer", "investigator", "C1A")
        staff.assign(session, system_actor(), user_id=desk.id, facility_id=hotel.id)
        session.commit()
        ids = {"ann": ann.id, "token": token}
    with serve(build(engine, FrozenClock(T0))) as base, launch_browser() as browser:
        yield base, browser, ids
    engine.dispose()


def fits(page: Any, selector: str = "html") -> bool:
    return bool(
        page.eval_on_selector(selector, "e => e.scrollWidth <= e.clientWidth + 1")
        and page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    )


def test_the_front_desk_admits_moves_and_releases_a_guest_on_a_phone(
    served: tuple[str, Any, dict[str, Any]], tmp_path: Path
) -> None:
    base, browser, ids = served
    page = browser.new_page(viewport=PHONE)
    errors = watch(page)
    page.goto(f"{base}/login")
    page.fill("#username", "desk")
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/work")  # log-in lands on My work
    order = f"{base}/quarantine/orders/{ids['ann']}"
    page.goto(order)
    page.select_option("#room-choice", label="101 (0 of 1 taken today)")
    page.click("#room-submit")
    page.wait_for_url(f"{order}?done=room")
    assert "room 101, Lakeside" in page.locator("#order-dates").inner_text()
    page.select_option("#room-choice", label="102 (0 of 1 taken today)")
    page.click("#room-submit")
    page.wait_for_url(f"{order}?done=room")
    assert "room 102, Lakeside" in page.locator("#order-dates").inner_text()
    page.click("#action-release")
    page.wait_for_url(f"{order}/release")
    assert page.locator("#evidence").is_visible() and fits(page)
    page.click("#release-submit")  # no reason: refused beside the field
    assert page.locator("#reason-error").is_visible()
    page.fill("#release-reason", "Two negative tests; the county agreed by phone")
    page.screenshot(path=str(tmp_path / "release.png"), full_page=True)
    page.click("#release-submit")
    page.wait_for_url(f"{order}?done=release")
    assert "Released" in (page.locator(".page-header .eyebrow").text_content() or "")
    page.goto(f"{base}/quarantine/proposals?j=C1A")
    assert page.locator("#proposal-table tbody tr").count() == 2
    assert fits(page, ".table-wrap")
    assert not errors, errors


def test_an_empty_self_report_is_refused_and_a_real_one_accepted_on_a_phone(
    served: tuple[str, Any, dict[str, Any]],
) -> None:
    base, browser, ids = served
    page = browser.new_page(viewport=PHONE)
    errors = watch(page)
    page.goto(f"{base}/r/{ids['token']}?lang=zh")
    page.click("#send-report")
    assert "空白报告" in page.locator("#report-error").inner_text()
    page.fill("#temperature", "abc")
    page.check("input[name=symptoms][value=cough]")
    page.click("#send-report")
    assert "36.7" in page.locator("#temperature-error").inner_text()
    assert page.locator("input[name=symptoms][value=cough]").is_checked()  # kept
    page.fill("#temperature", "37.2")
    page.click("#send-report")
    assert page.locator("#report-sent").is_visible() and fits(page)
    assert not errors, errors


def test_the_proposals_are_selected_all_at_once_on_a_phone(
    served: tuple[str, Any, dict[str, Any]],
) -> None:
    """At 390 px the table's head is folded away (rows become cards), but "select all"
    stays: it was clipped with the head, so a tracer on a phone had to tick every row."""
    base, browser, _ = served
    page = browser.new_page(viewport=PHONE)
    errors = watch(page)
    page.goto(f"{base}/login")
    page.fill("#username", "tracer")
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/work")
    page.goto(f"{base}/quarantine/proposals")
    page.check("#select-all", timeout=5_000)
    picks = page.locator("#proposal-table input.pick")
    assert picks.count() >= 2 and all(p.is_checked() for p in picks.all())
    assert page.locator("label[for=select-all]").is_visible() and fits(page, ".table-wrap")
    assert not errors, errors
