"""Issue 14's day in the life, in headless Chromium, through the real pages only: the county
investigator logs in, enters a confirmed case (a bad ID refused beside its field first),
interviews it with five contacts, confirms their quarantine into a hotel (rooms assigned),
records a follow-up; a contact self-reports on a phone; the lab uploads a CSV that makes
one contact positive; the investigator sees it in "My work" and converts the order; the
hotel's front desk moves a guest to another room and releases one after reviewing the
evidence. Every click and typed field is counted per step (tests/work/clicks.py) and held
to the counts measured, and below SORMAS's and Go.Data's where Fireline is below them
(docs/user-guide.md, "A day in numbers"). One app is served per backend."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from fireline.app import create_app
from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.people.models import Person
from fireline.quarantine import facilities, staff
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.schemas import FacilityCreate, RoomIn
from fireline.settings import Settings
from fireline.surveillance.models import Case
from fireline.tracing.models import TransmissionLink
from tests.auth.factories import PASSWORD, make_user
from tests.conftest import BACKENDS, _postgres_engine
from tests.places.factories import small_tree
from tests.web.browser import launch_browser, require_chromium, serve
from tests.work.clicks import Counted, Tally

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

pytestmark = pytest.mark.browser
OUT = Path(__file__).resolve().parents[2] / "bench" / "out"
DESK: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
BAD_ID, CASE_ID = "33010219900401011", "330102199004010114"  # 17 digits; then GB 11643-valid
CONTACT_ID = "330102199506120030"  # the contact the lab file names
CONTACTS = [f"Contact {n}" for n in range(1, 6)]
# What the test measured, per step: a change that adds a click or a field fails here.
MEASURED = {
    "1. Log in": (1, 2),
    "2. New confirmed case (+ bad-ID correction)": (6, 5),
    "3. Record 5 contacts from the case": (6, 16),
    "4. Confirm quarantine / follow-up": (7, 0),
    "5. One follow-up visit (no symptoms, temperature)": (3, 1),
    "6. Contact self-reports on a phone": (3, 1),
    "7. Lab user logs in": (1, 2),
    "7. Lab result file makes one contact positive": (5, 0),
    "8. Convert contact to case": (4, 1),
    "9. Facility user logs in": (1, 2),
    "9. Facility user assigns a room": (4, 0),
    "9. Facility user moves a guest to another room": (5, 0),
    "10. Review release from quarantine": (4, 1),
}
# SORMAS's and Go.Data's (clicks, typed) per step, from docs/user-guide.md "A day in
# numbers" (their manuals and UI code), held only where Fireline is below them: log-in
# ties both; Go.Data confirms follow-up in 4 clicks (Fireline 7); its follow-up visit and
# SORMAS's type no more than Fireline's one field; a conversion's reason and a release's
# review (both read-only elsewhere) cost Fireline more.
BELOW: dict[str, dict[str, tuple[int, ...]]] = {
    "2. New confirmed case (+ bad-ID correction)": {"clicks": (21, 14), "typed": (6, 7)},
    "3. Record 5 contacts from the case": {"clicks": (31, 40), "typed": (20, 25)},
    "4. Confirm quarantine / follow-up": {"clicks": (25,)},
    "5. One follow-up visit (no symptoms, temperature)": {"clicks": (11, 7)},
    "7. Lab result file makes one contact positive": {"clicks": (9, 7)},
    "8. Convert contact to case": {"clicks": (5,)},
}


@pytest.fixture(scope="module", params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, int]]:
    """Its own database per backend (the day commits): county C1A with an investigator,
    a lab user, and the Lakeside hotel (eight single rooms) with its front desk."""
    if request.param == "postgresql":
        engines = _postgres_engine()
        engine = next(engines)
    else:
        path = tmp_path_factory.mktemp("day") / "day.db"
        engine = make_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    upgrade(engine)
    with session_factory(engine)() as session:
        small_tree(session)
        hotel = facilities.create_facility(
            session,
            system_actor(),
            FacilityCreate(
                name="Lakeside",
                jurisdiction_code="C1A",
                rooms=[RoomIn(code=str(101 + n), capacity=1) for n in range(8)],
            ),
        )
        session.commit()
        make_user(session, "county", "investigator", "C1A")
        make_user(session, "lab", "lab", "C1A")
        desk = make_user(session, "desk", "facility", "C1A")
        staff.assign(session, system_actor(), user_id=desk.id, facility_id=hotel.id)
        session.commit()
        hotel_id = hotel.id
    yield engine, hotel_id
    if request.param == "postgresql":
        next(engines, None)
    else:
        engine.dispose()


def log_in(user: Counted, base: str, username: str) -> None:
    user.open(f"{base}/login", tap=False)
    user.fill("#username", username)
    user.fill("#password", PASSWORD)
    user.click("form[action='/login'] button[type=submit]")
    user.page.wait_for_url(f"{base}/work")


def watch(page: Any, errors: list[str]) -> None:
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)


def the_day_in_the_database(engine: Engine) -> None:
    """One case per person (the lab's positive and the conversion made no second one),
    linked to its infector; five contacts, four still in quarantine, rooms all different."""
    with session_factory(engine)() as session:
        cases = session.execute(
            select(Person.name, Case.id, Case.classification)
            .join(Case, Case.person_id == Person.id)
            .order_by(Case.id)
        ).all()
        assert [(n, c) for n, _, c in cases] == [
            ("Wang Fang", "confirmed"),
            (CONTACTS[0], "confirmed"),
        ]
        link = session.scalars(select(TransmissionLink)).one()
        assert (link.infector_case_id, link.infectee_case_id) == (cases[0][1], cases[1][1])
        rooms = session.scalars(
            select(QuarantineOrder.room_id).where(QuarantineOrder.status == "active")
        ).all()
        assert len(rooms) == 4 + 1 - 1 and len(set(rooms)) == len(rooms) and None not in rooms


def fits(user: Counted) -> bool:
    return bool(user.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"])


def test_an_investigators_day(database: tuple[Engine, int], request: pytest.FixtureRequest) -> None:
    require_chromium()
    engine, hotel_id = database
    started = time.monotonic()
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo("Asia/Shanghai")).date()  # the county's day
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    app.state.clock = FrozenClock(now)
    steps: dict[str, Tally] = {}
    errors: list[str] = []
    with serve(app) as base, launch_browser() as browser:

        def person(viewport: ViewportSize) -> Counted:
            page = browser.new_context(viewport=viewport).new_page()
            page.set_default_timeout(15_000)
            watch(page, errors)
            return Counted(page, steps)

        inv = person(DESK)
        inv.step = "1. Log in"
        log_in(inv, base, "county")
        assert inv.page.locator("h1").inner_text() == "My work"

        inv.step = "2. New confirmed case (+ bad-ID correction)"
        inv.click("nav.mainnav a[href='/surveillance']")
        inv.click("nav.subnav a[href='/surveillance/cases/new']")
        inv.select("#classification", value="confirmed")
        inv.fill("#date_onset", (today - timedelta(days=2)).isoformat())
        inv.fill("#name", "Wang Fang")
        inv.fill("#national_id", BAD_ID)
        inv.fill("#phone", "13912345678")
        inv.click("form.case-form button[type=submit]")
        inv.page.wait_for_selector("#national_id-error")
        assert inv.page.locator("#name").input_value() == "Wang Fang"  # nothing typed lost
        assert inv.page.locator("#phone").input_value() == "13912345678"
        inv.fill("#national_id", CASE_ID)
        inv.click("form.case-form button[type=submit]")
        inv.page.wait_for_url(re.compile(r".*/surveillance/cases/\d+$"))

        inv.step = "3. Record 5 contacts from the case"
        inv.click("#open-interview")
        inv.page.wait_for_url(re.compile(r".*/investigation/cases/\d+$"))
        last = (today - timedelta(days=1)).isoformat()
        for n, name in enumerate(CONTACTS):
            inv.fill("#contact-name", name)
            inv.fill("#contact-phone", f"1371111000{n}")
            if n == 0:
                inv.fill("#contact-national-id", CONTACT_ID)
            inv.fill("#contact-last", last)
            inv.click("#contact-form button[type=submit]")
            inv.page.locator("#contact-table tr", has_text=name).wait_for()
            inv.page.wait_for_function("document.getElementById('contact-name').value === ''")

        inv.step = "4. Confirm quarantine / follow-up"
        inv.click("nav.mainnav a[href='/quarantine']")
        inv.click("nav.subnav a[href='/quarantine/proposals']")
        inv.check("#select-all")
        inv.select("#place", value=f"f{hotel_id}")
        inv.click("#confirm-selected")
        inv.page.wait_for_selector("#room-plan")
        inv.click("#confirm-rooms")
        inv.page.wait_for_url("**/quarantine/proposals?done=confirm*")
        assert "Confirmed: 5." in inv.page.locator("#decision-done").inner_text()

        inv.step = "5. One follow-up visit (no symptoms, temperature)"
        inv.click("nav.mainnav a[href='/quarantine']")
        inv.click("#due-table tr:has-text('Contact 2') a")
        inv.page.wait_for_url(re.compile(r".*/quarantine/orders/\d+$"))
        order_url = inv.page.url
        inv.fill("#temperature", "36.6")
        inv.click("#record-follow-up")
        inv.page.wait_for_url(f"{order_url}?done=*")
        assert "36.6" in inv.page.locator("section[aria-labelledby=history]").inner_text()

        inv.step = "6. Contact self-reports on a phone"
        inv.click("#action-link")
        link = inv.page.locator("#self-link").inner_text().strip()
        phone = person(PHONE)
        phone.step = inv.step
        phone.open(link if link.startswith("http") else base + link, tap=True)
        phone.fill("#temperature", "36.8")
        phone.click("#send-report")
        phone.page.wait_for_selector("#report-sent")
        assert fits(phone)
        inv.raw.goto(order_url)  # a look to check the day, not a step of it: not counted
        assert "36.8" in inv.page.locator("section[aria-labelledby=history]").inner_text()

        lab = person(DESK)
        lab.step = "7. Lab user logs in"
        log_in(lab, base, "lab")
        lab.step = "7. Lab result file makes one contact positive"
        lab.click("nav.mainnav a[href='/testing']")
        lab.click("nav.subnav a[href='/testing/upload']")
        stamp = now.isoformat()
        csv = (
            "barcode,disease,outcome,resulted_at,jurisdiction_code,sample_type,collected_at,"
            "name,national_id,test_type\n"
            f"DAY-0001,covid19,positive,{stamp},C1A,nasopharyngeal_swab,{stamp},"
            f"{CONTACTS[0]},{CONTACT_ID},pcr\n"
        )
        lab.choose_file(
            "#file", {"name": "results.csv", "mimeType": "text/csv", "buffer": csv.encode()}
        )
        lab.click("form[action='/testing/upload'] button[type=submit]")
        lab.page.wait_for_selector("#report")
        tiles = lab.page.locator("#report dd").all_inner_texts()
        assert tiles[0] == "1" and tiles[5] == "0", tiles  # one result; the contact matched

        inv.step = "8. Convert contact to case"
        inv.click("nav.mainnav a[href='/work']")
        inv.click(f"#lab_positives a.kcard-title:has-text('{CONTACTS[0]}')")
        inv.page.wait_for_selector("#positive-proposed")
        inv.fill("#convert-reason", "PCR positive")
        inv.check("#convert-confirm")
        inv.click("#convert-submit")
        inv.page.wait_for_url("**/quarantine/orders/*?done=convert")
        assert "Isolation" in (inv.page.locator(".page-header .eyebrow").text_content() or "")
        assert inv.page.locator("#own-case").count() == 1

        desk = person(DESK)
        desk.step = "9. Facility user logs in"
        log_in(desk, base, "desk")
        desk.step = "9. Facility user assigns a room"
        desk.click(f"#arrivals a.kcard-title:has-text('{CONTACTS[0]}')")
        desk.page.wait_for_url(re.compile(r".*/quarantine/orders/\d+$"))
        desk.select("#room-choice", label="108 (0 of 1 taken today)")
        desk.click("#room-submit")
        desk.page.wait_for_url("**?done=room")
        assert "room 108, Lakeside" in desk.page.locator("#order-dates").inner_text()
        desk.step = "9. Facility user moves a guest to another room"
        desk.click("nav.mainnav a[href='/quarantine']")
        desk.click(f"#due-table tr:has-text('{CONTACTS[2]}') a")
        desk.page.wait_for_url(re.compile(r".*/quarantine/orders/\d+$"))
        desk.select("#room-choice", label="101 (0 of 1 taken today)")
        desk.click("#room-submit")
        desk.page.wait_for_url("**?done=room")
        assert "room 101, Lakeside" in desk.page.locator("#order-dates").inner_text()

        inv.step = "10. Review release from quarantine"
        inv.click("nav.mainnav a[href='/quarantine']")
        inv.click("#due-table tr:has-text('Contact 2') a")
        inv.click("#action-release")
        inv.page.wait_for_selector("#evidence")
        inv.fill("#release-reason", "Moved to home quarantine by the county")
        inv.click("#release-submit")
        inv.page.wait_for_url("**?done=release")
        assert "Released" in (inv.page.locator(".page-header .eyebrow").text_content() or "")

    seconds = time.monotonic() - started
    the_day_in_the_database(engine)
    counts = {k: {"clicks": v.clicks, "typed": v.typed} for k, v in steps.items()}
    backend = request.node.callspec.params["database"]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"day-{backend}.json").write_text(
        json.dumps({"steps": counts, "seconds": round(seconds, 1)}, indent=2) + "\n"
    )
    print(json.dumps(counts, indent=2), f"{seconds:.1f} s")
    assert [e for e in errors if "status of 422" not in e] == [], errors
    for name, (clicks, typed) in MEASURED.items():
        assert counts[name]["clicks"] <= clicks and counts[name]["typed"] <= typed, name
    for name, others in BELOW.items():
        for what, theirs in others.items():
            assert all(counts[name][what] < n for n in theirs), (name, what)
