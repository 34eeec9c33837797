"""Facility staff through the JSON API: admit to a room of their hotel and release with a
reason; an order of another county answers as a missing one; a blank reason is 422."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.quarantine import facilities, staff
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.schemas import FacilityCreate, RoomIn
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, quarantine

DAY = T0.date()


def test_the_front_desk_admits_and_releases_through_the_api(
    session: Session, app_factory: Any
) -> None:
    tree = small_tree(session)
    hotel = facilities.create_facility(
        session,
        system_actor(),
        FacilityCreate(
            name="Lakeside", jurisdiction_code="C1A", rooms=[RoomIn(code="1", capacity=1)]
        ),
    )
    room = facilities.occupancy(session, system_actor(), None, DAY, hotel.id)[0].rooms[0].id
    ann = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Ann Guest")
    theirs = quarantine(session, tree["C2A"], last=DAY, today=DAY, name="Zed Other")
    session.execute(update(QuarantineOrder).values(kind="facility"))
    session.commit()
    desk = make_user(session, "desk", "facility", "C1A")
    staff.assign(session, system_actor(), user_id=desk.id, facility_id=hotel.id)
    session.commit()
    app = app_factory()
    app.state.clock = FrozenClock(T0)
    with TestClient(app) as client:
        auth = bearer(client, "desk")
        base = "/api/v1/quarantine/orders"
        version = session.get_one(QuarantineOrder, ann.id).version
        admitted = client.post(
            f"{base}/{ann.id}/room", json={"version": version, "room_id": room}, headers=auth
        )
        assert admitted.status_code == 200 and admitted.json()["room_id"] == room
        version = admitted.json()["version"]
        blank = client.post(
            f"{base}/{ann.id}/release", json={"version": version, "reason": "  "}, headers=auth
        )
        assert blank.status_code == 422 and blank.headers["content-type"].startswith(
            "application/problem+json"
        )
        elsewhere = client.post(
            f"{base}/{theirs.id}/room", json={"version": 1, "room_id": room}, headers=auth
        )
        assert elsewhere.status_code == 404 and "Zed" not in elsewhere.text
        done = client.post(
            f"{base}/{ann.id}/release", json={"version": version, "reason": "cleared"}, headers=auth
        )
        assert done.status_code == 200 and done.json()["status"] == "released"
