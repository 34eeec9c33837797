"""The order detail's management forms through the app: extend, change dates, place and
room, extend an isolation, transfer. Each succeeds; a stale version is a 409 with the
"changed by someone else" message; bad input is refused with nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.quarantine import facilities
from fireline.quarantine.models import OrderTransfer, QuarantineOrder
from fireline.quarantine.schemas import FacilityCreate, RoomIn
from tests.auth.factories import make_user
from tests.places.factories import by_code, small_tree
from tests.quarantine.factories import T0, isolate, quarantine
from tests.web.pages import log_in

DAY = T0.date()
CHANGED = "Someone else changed this order after you opened it"


@dataclass(frozen=True)
class Seen:
    """The order as the page showed it: the session's own object reloads after a request."""

    id: int
    version: int
    start_date: date
    end_date: date

    @classmethod
    def of(cls, order: QuarantineOrder) -> Seen:
        return cls(order.id, order.version, order.start_date, order.end_date)


@pytest.fixture
def desk(session: Session, app_factory: Any) -> Iterator[tuple[TestClient, str, Seen]]:
    """A tracer of county C1A logged in, and Ann's quarantine order there."""
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Ann Contact")
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    app = app_factory()
    app.state.clock = FrozenClock(T0)
    with TestClient(app) as client:
        yield client, log_in(client, "tracer"), Seen.of(order)


def post(client: TestClient, csrf: str, path: str, **fields: object) -> Any:
    data = {"csrf_token": csrf, **{k: str(v) for k, v in fields.items()}}
    return client.post(path, data=data, follow_redirects=False)


def current(session: Session, order_id: int) -> QuarantineOrder:
    session.expire_all()
    return session.get_one(QuarantineOrder, order_id)


def test_extend_recounts_the_end_date_and_the_page_shows_it(
    session: Session, desk: tuple[TestClient, str, Seen]
) -> None:
    client, csrf, order = desk
    page = client.get(f"/quarantine/orders/{order.id}").text
    assert 'id="extend-form"' in page and 'id="transfer-form"' in page
    later = DAY + timedelta(days=3)
    sent = post(
        client,
        csrf,
        f"/quarantine/orders/{order.id}/extend",
        version=order.version,
        last_exposure=later.isoformat(),
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/quarantine/orders/{order.id}?done=extend"
    assert current(session, order.id).end_date == later + timedelta(days=10)
    shown = client.get(sent.headers["location"]).text
    assert (later + timedelta(days=10)).isoformat() in shown and "Saved." in shown


def test_a_stale_extension_says_so_and_changes_nothing(
    session: Session, desk: tuple[TestClient, str, Seen]
) -> None:
    client, csrf, order = desk
    end, stale = order.end_date, order.version
    post(
        client,
        csrf,
        f"/quarantine/orders/{order.id}/change",
        version=order.version,
        start_date=order.start_date.isoformat(),
        end_date=(end + timedelta(days=1)).isoformat(),
        kind="home",
    )
    sent = post(
        client,
        csrf,
        f"/quarantine/orders/{order.id}/extend",
        version=stale,
        last_exposure=(DAY + timedelta(days=5)).isoformat(),
    )
    assert sent.status_code == 409
    assert CHANGED in sent.text and 'id="form-error"' in sent.text
    assert current(session, order.id).end_date == end + timedelta(days=1)
    zh = post(
        client,
        csrf,
        f"/quarantine/orders/{order.id}/extend?lang=zh",
        version=stale,
        last_exposure=(DAY + timedelta(days=5)).isoformat(),
    )
    assert zh.status_code == 409 and "其他人" in zh.text


def test_an_earlier_exposure_or_a_bad_date_is_refused(
    session: Session, desk: tuple[TestClient, str, Seen]
) -> None:
    client, csrf, order = desk
    path = f"/quarantine/orders/{order.id}/extend"
    earlier = post(
        client,
        csrf,
        path,
        version=order.version,
        last_exposure=(DAY - timedelta(days=1)).isoformat(),
    )
    assert earlier.status_code == 422 and "before the one on the order" in earlier.text
    garbled = post(client, csrf, path, version=order.version, last_exposure="31/02/2026")
    assert garbled.status_code == 422 and "is not a date (YYYY-MM-DD)" in garbled.text
    assert current(session, order.id).end_date == order.end_date


def test_change_moves_the_dates_and_the_place(
    session: Session, desk: tuple[TestClient, str, Seen]
) -> None:
    client, csrf, order = desk
    end, version = DAY + timedelta(days=12), order.version
    sent = post(
        client,
        csrf,
        f"/quarantine/orders/{order.id}/change",
        version=version,
        start_date=DAY.isoformat(),
        end_date=end.isoformat(),
        kind="home",
        room_id="",
    )
    assert sent.status_code == 303
    changed = current(session, order.id)
    assert (changed.end_date, changed.kind, changed.version) == (end, "home", version + 1)


def test_an_end_before_the_start_is_refused_and_nothing_is_stored(
    session: Session, desk: tuple[TestClient, str, Seen]
) -> None:
    client, csrf, order = desk
    sent = post(
        client,
        csrf,
        f"/quarantine/orders/{order.id}/change",
        version=order.version,
        start_date=DAY.isoformat(),
        end_date=(DAY - timedelta(days=1)).isoformat(),
        kind="home",
    )
    assert sent.status_code == 422
    assert "The end date is before the start date. Nothing was saved." in sent.text
    kept = current(session, order.id)
    assert (kept.end_date, kept.kind, kept.version) == (order.end_date, "facility", order.version)


def test_a_full_room_is_refused_and_the_new_dates_are_not_kept_either(
    session: Session, desk: tuple[TestClient, str, Seen]
) -> None:
    client, csrf, order = desk
    body = FacilityCreate(
        name="Lakeside Hotel", jurisdiction_code="C1A", rooms=[RoomIn(code="101", capacity=1)]
    )
    hotel = facilities.create_facility(session, system_actor(), body)
    room = facilities.occupancy(session, system_actor(), None, DAY, hotel.id)[0].rooms[0]
    other = quarantine(session, by_code(session, "C1A"), last=DAY, today=DAY, name="Bo")
    other.room_id, other.facility_id = room.id, hotel.id
    session.commit()
    page = client.get(f"/quarantine/orders/{order.id}").text
    assert f'<option value="{room.id}"' in page and "101 (1 of 1 taken today)" in page
    later = order.end_date + timedelta(days=4)
    sent = post(
        client,
        csrf,
        f"/quarantine/orders/{order.id}/change",
        version=order.version,
        start_date=DAY.isoformat(),
        end_date=later.isoformat(),
        kind="facility",
        room_id=room.id,
    )
    assert sent.status_code == 409
    assert "Room 101 is full over these dates (1 of 1 places taken)" in sent.text
    assert CHANGED not in sent.text
    kept = current(session, order.id)
    assert (kept.end_date, kept.room_id, kept.version) == (order.end_date, None, order.version)


def test_a_stale_change_says_so(session: Session, desk: tuple[TestClient, str, Seen]) -> None:
    client, csrf, order = desk
    sent = post(
        client,
        csrf,
        f"/quarantine/orders/{order.id}/change",
        version=order.version + 3,
        start_date=DAY.isoformat(),
        end_date=DAY.isoformat(),
        kind="home",
    )
    assert sent.status_code == 409 and CHANGED in sent.text
    assert current(session, order.id).end_date == order.end_date


def test_an_isolation_is_extended_and_a_stale_date_is_refused(
    session: Session, app_factory: Any
) -> None:
    tree = small_tree(session)
    order = Seen.of(isolate(session, tree["C1A"], onset=DAY - timedelta(days=2), start=DAY))
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    until, version = DAY + timedelta(days=14), order.version
    with TestClient(app_factory()) as client:
        csrf = log_in(client, "tracer")
        page = client.get(f"/quarantine/orders/{order.id}").text
        assert 'id="isolation-form"' in page and 'id="extend-form"' not in page
        path = f"/quarantine/orders/{order.id}/isolation"
        sent = post(client, csrf, path, version=version, review_after=until.isoformat())
        assert sent.status_code == 303
        assert current(session, order.id).review_after == until
        stale = post(client, csrf, path, version=version, review_after=DAY.isoformat())
        assert stale.status_code == 409 and CHANGED in stale.text
        empty = post(client, csrf, path, version=version + 1, review_after="")
        assert empty.status_code == 422 and "Extended isolation until is required." in empty.text
    assert current(session, order.id).review_after == until


def test_a_transfer_moves_the_order_and_keeps_its_history(
    session: Session, desk: tuple[TestClient, str, Seen]
) -> None:
    client, csrf, order = desk
    make_user(session, "c2a", "investigator", "C2A")
    path = f"/quarantine/orders/{order.id}/transfer"
    missing = post(client, csrf, path, version=order.version, to="", reason="lives there")
    assert missing.status_code == 422 and "Transfer to is required." in missing.text
    unknown = post(client, csrf, path, version=order.version, to="NOPE", reason="x")
    assert unknown.status_code == 422
    assert "There is no jurisdiction with the code NOPE." in unknown.text
    stale = post(client, csrf, path, version=order.version + 1, to="C2A", reason="x")
    assert stale.status_code == 409 and CHANGED in stale.text
    assert session.scalar(select(func.count()).select_from(OrderTransfer)) == 0
    sent = post(client, csrf, path, version=order.version, to="C2A", reason="lives in C2A")
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/quarantine/transfers?moved={order.id}"
    assert current(session, order.id).jurisdiction_id == by_code(session, "C2A").id
    assert client.get(f"/quarantine/orders/{order.id}").status_code == 404  # out of scope now
    log_in(client, "c2a")
    history = client.get(f"/quarantine/orders/{order.id}").text
    table = history.split('id="transfer-history"', 1)[1].split("</table>", 1)[0]
    assert "Place C1A" in table and "Place C2A" in table and "lives in C2A" in table


def test_a_viewer_sees_no_forms(session: Session, app_factory: Any) -> None:
    tree = small_tree(session)
    order = Seen.of(quarantine(session, tree["C1A"], last=DAY, today=DAY))
    session.commit()
    make_user(session, "watcher", "viewer", "C1A")
    with TestClient(app_factory()) as client:
        csrf = log_in(client, "watcher")
        page = client.get(f"/quarantine/orders/{order.id}").text
        assert 'id="transfer-history"' in page and 'id="change-form"' not in page
        sent = post(
            client,
            csrf,
            f"/quarantine/orders/{order.id}/extend",
            version=order.version,
            last_exposure=DAY.isoformat(),
        )
        assert sent.status_code == 403
    assert current(session, order.id).version == order.version


def test_the_forms_cannot_reach_another_countys_order(
    session: Session, desk: tuple[TestClient, str, Seen]
) -> None:
    client, csrf, _ = desk
    theirs = Seen.of(
        quarantine(session, by_code(session, "C2A"), last=DAY, today=DAY, name="Zed Outofscope")
    )
    session.commit()
    later = (DAY + timedelta(days=2)).isoformat()
    for action, fields in (
        ("extend", {"last_exposure": later}),
        ("change", {"start_date": DAY.isoformat(), "end_date": later, "kind": "home"}),
        ("isolation", {"review_after": later}),
        ("transfer", {"to": "C1A", "reason": "take it"}),
        ("action", {"action": "release"}),
    ):
        path = f"/quarantine/orders/{theirs.id}/{action}"
        sent = post(client, csrf, path, version=theirs.version, **fields)
        assert sent.status_code == 404 and "Outofscope" not in sent.text, action
    kept = current(session, theirs.id)
    assert (kept.version, kept.jurisdiction_id) == (theirs.version, by_code(session, "C2A").id)
