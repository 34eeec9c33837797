"""The order page and its operations through the app: the follow-up form refuses
``abc`` beside the temperature in the page's language and keeps what was typed, refuses
an empty report, shows 36.7 (not 36.699999999999996); the order shows the phone as a
tel: link, the address and the cases; a self-report link comes as a QR code and a text
message; a release is reviewed with its evidence and needs a reason; a facility's staff
admit to a room; confirming into a facility shows the rooms before confirming."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.people.models import Person
from fireline.quarantine import facilities, staff
from fireline.quarantine.models import FollowUp, QuarantineOrder
from fireline.quarantine.schemas import FacilityCreate, RoomIn
from tests.auth.factories import make_user
from tests.places.factories import by_code, small_tree
from tests.quarantine.factories import T0, propose, quarantine
from tests.web.pages import log_in

DAY = T0.date()


@pytest.fixture
def world(session: Session, app_factory: Any) -> Iterator[dict[str, Any]]:
    """County C1A: Ann's facility quarantine (phone, address), a hotel with two rooms of
    one place, a tracer and the hotel's front desk."""
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Ann Contact")
    session.execute(
        update(Person)
        .where(Person.id == order.person_id)
        .values(phone="138 0013 8000", address="1 Lake Road")
    )
    session.execute(
        update(QuarantineOrder).where(QuarantineOrder.id == order.id).values(kind="facility")
    )
    hotel = facilities.create_facility(
        session,
        system_actor(),
        FacilityCreate(
            name="Lakeside",
            jurisdiction_code="C1A",
            rooms=[RoomIn(code="101", capacity=1), RoomIn(code="102", capacity=1)],
        ),
    )
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    desk = make_user(session, "desk", "facility", "C1A")
    staff.assign(session, system_actor(), user_id=desk.id, facility_id=hotel.id)
    session.commit()
    app = app_factory()
    app.state.clock = FrozenClock(T0)
    with TestClient(app) as client:
        yield {"client": client, "order": order.id, "hotel": hotel.id, "session": session}


def _post(client: TestClient, csrf: str, path: str, **fields: Any) -> Any:
    return client.post(path, data={"csrf_token": csrf, **fields}, follow_redirects=False)


def _reports(session: Session, order_id: int) -> int:
    return session.scalar(select(func.count()).where(FollowUp.order_id == order_id)) or 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bad_temperature_is_refused_beside_its_field_and_nothing_is_lost(
    world: dict[str, Any], lang: str
) -> None:
    client, order = world["client"], world["order"]
    csrf = log_in(client, "tracer")
    path = f"/quarantine/orders/{order}/follow-up?lang={lang}"
    sent = _post(client, csrf, path, temperature="abc", symptoms="cough", note="called twice")
    assert sent.status_code == 422
    assert "could not convert" not in sent.text
    field = sent.text.split('id="temperature-error"', 1)[1].split("</span>", 1)[0]
    assert ("36.7" in field) and (("体温" in field) if lang == "zh" else ("temperature" in field))
    assert 'value="abc"' in sent.text and 'value="called twice"' in sent.text
    assert 'value="cough" checked' in sent.text
    assert _reports(world["session"], order) == 0


def test_an_empty_follow_up_is_refused_and_a_temperature_reads_as_typed(
    world: dict[str, Any],
) -> None:
    client, order, session = world["client"], world["order"], world["session"]
    csrf = log_in(client, "tracer")
    empty = _post(client, csrf, f"/quarantine/orders/{order}/follow-up", temperature="")
    assert empty.status_code == 422 and 'id="report-error"' in empty.text
    assert _reports(session, order) == 0
    stored = _post(client, csrf, f"/quarantine/orders/{order}/follow-up", temperature="36.7")
    assert stored.status_code == 303
    session.execute(update(FollowUp).values(temperature=36.699999999999996))
    session.commit()
    page = client.get(f"/quarantine/orders/{order}").text
    assert "36.7<" in page and "36.699" not in page
    chinese = client.get(f"/quarantine/orders/{order}?lang=zh").text
    history = chinese.split('id="history"', 1)[1].split("</table>", 1)[0]
    assert "2026年3月1日 10:00" in history and "AM" not in history


def test_the_order_shows_phone_address_and_case_and_hands_over_the_link(
    world: dict[str, Any],
) -> None:
    client, order, session = world["client"], world["order"], world["session"]
    csrf = log_in(client, "tracer")
    page = client.get(f"/quarantine/orders/{order}").text
    assert 'href="tel:13800138000"' in page and "1 Lake Road" in page
    index = session.get_one(QuarantineOrder, order).contact_id
    assert index is not None and 'id="index-case"' in page
    version = session.get_one(QuarantineOrder, order).version
    link = _post(
        client, csrf, f"/quarantine/orders/{order}/action", action="link", version=str(version)
    )
    assert link.status_code == 200
    qr = link.text.split('id="self-link-qr"', 1)[1].split("</figure>", 1)[0]
    assert "<svg" in qr and "<path" in qr
    sms = link.text.split('id="sms-text"', 1)[1].split("</textarea>", 1)[0]
    assert "/r/" in sms and 'data-copy="#sms-text"' in link.text


def test_a_release_is_reviewed_on_its_evidence_and_needs_a_reason(
    world: dict[str, Any],
) -> None:
    client, order, session = world["client"], world["order"], world["session"]
    csrf = log_in(client, "tracer")
    page = client.get(f"/quarantine/orders/{order}/release")
    assert page.status_code == 200 and 'id="evidence"' in page.text
    assert 'id="release-verdict"' in page.text and 'id="release-tests"' in page.text
    version = str(session.get_one(QuarantineOrder, order).version)
    path = f"/quarantine/orders/{order}/release"
    bare = _post(client, csrf, path, version=version, reason="  ")
    assert bare.status_code == 422 and 'id="reason-error"' in bare.text
    session.expire_all()
    assert session.get_one(QuarantineOrder, order).status == "active"
    done = _post(client, csrf, path, version=version, reason="moved abroad")
    assert done.status_code == 303
    session.expire_all()
    released = session.get_one(QuarantineOrder, order)
    assert (released.status, released.close_reason) == ("released", "moved abroad")
    # the one-click release of the old page is gone
    old = _post(
        client, csrf, f"/quarantine/orders/{order}/action", action="release", version=version
    )
    assert old.status_code == 422


def test_the_front_desk_admits_to_a_room_of_their_hotel(world: dict[str, Any]) -> None:
    client, order, session = world["client"], world["order"], world["session"]
    csrf = log_in(client, "desk")
    page = client.get(f"/quarantine/orders/{order}").text
    assert 'id="room-form"' in page and 'id="change-form"' not in page
    assert 'id="index-case"' not in page  # a case page is not theirs to open
    choice = page.split('id="room-choice"', 1)[1].split("</select>", 1)[0]
    room = int(re.findall(r'<option value="(\d+)"', choice)[0])
    version = str(session.get_one(QuarantineOrder, order).version)
    sent = _post(
        client, csrf, f"/quarantine/orders/{order}/room", version=version, room_id=str(room)
    )
    assert sent.status_code == 303
    session.expire_all()
    assert session.get_one(QuarantineOrder, order).room_id == room


def test_confirming_into_a_facility_shows_the_rooms_first(world: dict[str, Any]) -> None:
    client, session = world["client"], world["session"]
    county = by_code(session, "C1A")
    waiting = [propose(session, county, last=DAY, today=DAY, name=f"New {n}") for n in range(3)]
    session.commit()
    csrf = log_in(client, "tracer")
    picks = [f"{o.id}:{o.version}" for o in waiting]
    place = f"f{world['hotel']}"
    sent = client.post(
        "/quarantine/proposals/decisions",
        data={"csrf_token": csrf, "pick": picks, "decision": "confirm", "place": place},
    )
    assert sent.status_code == 409 and "Only 2 free places" in sent.text
    two = picks[:2]
    plan = client.post(
        "/quarantine/proposals/decisions",
        data={"csrf_token": csrf, "pick": two, "decision": "confirm", "place": place},
    )
    assert plan.status_code == 200 and 'id="room-plan"' in plan.text
    session.expire_all()
    assert {session.get_one(QuarantineOrder, o.id).status for o in waiting} == {"proposed"}
    section = plan.text.split('id="room-plan"', 1)[1].split("</form>", 1)[0]
    rooms = sorted(set(re.findall(r'<option value="(\d+)"', section)))
    swapped = {f"room-{waiting[0].id}": rooms[1], f"room-{waiting[1].id}": rooms[0]}
    done = client.post(
        "/quarantine/proposals/decisions",
        data={"csrf_token": csrf, "pick": two, "decision": "confirm", "place": place, **swapped},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    placed = [session.get_one(QuarantineOrder, o.id).room_id for o in waiting[:2]]
    assert placed == [int(rooms[1]), int(rooms[0])]
