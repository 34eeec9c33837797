"""The zone API: draw, refuse bad outlines (nothing stored), step down and lift with checks,
residents for a screening campaign."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.clock import FrozenClock
from fireline.zones.models import Zone
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.zones.factories import COMPOUND, DAY, T0, days, draw, resident, square

URL = "/api/v1/zones"


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    tree = small_tree(session)  # every place's seat is at (30.0 N, 120.0 E)
    resident(session, tree["C1A"], COMPOUND + "3幢101室", case_on=DAY - days(1), name="Ann")
    resident(session, tree["C1A"], COMPOUND + "5幢202室", name="Bo")
    resident(session, tree["C1A"], "文三路89号1幢101室", case_on=DAY, name="Cy")  # next door
    resident(session, tree["C2A"], COMPOUND + "1幢101室", case_on=DAY, name="Di")  # other county
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    return tree


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def api(world: dict[str, Any], app_factory, clock: FrozenClock) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app = app_factory()
    app.state.clock = clock
    with TestClient(app) as client:
        client.headers.update(bearer(client, "tracer"))
        yield client


def _draw(api: TestClient, **given: Any) -> Any:
    body = {
        "name": "Wensan 88",
        "jurisdiction_code": "C1A",
        "level": "sealed",
        "addresses": [COMPOUND],
        "geometry": square(),
        **given,
    }
    return api.post(URL, json=body)


def test_a_zone_gets_its_residents_last_case_and_lift_date(api: TestClient) -> None:
    made = _draw(api)
    assert made.status_code == 201, made.text
    zone = made.json()
    assert zone["residents"] == 2 and zone["computed"]["last_case"] == str(DAY - days(1))
    assert zone["computed"]["earliest"] == str(DAY + days(7))
    assert [m["code"] for m in zone["computed"]["missing"]] == ["clean_days", "screening_round"]
    ring = zone["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1]
    people = api.get(f"{URL}/{zone['id']}/residents").json()
    assert people["count"] == 2 and len(people["person_ids"]) == 2
    listed = api.get(URL, params={"jurisdiction": "C1A"}).json()
    assert [z["id"] for z in listed["items"]] == [zone["id"]]
    assert (listed["total"], listed["next_offset"]) == (1, None)


def test_an_open_polygon_is_422_and_nothing_is_stored(api: TestClient, session: Session) -> None:
    ring = [*square()["coordinates"][0][:-1], [120.001, 30.0]]
    refused = _draw(api, geometry={"type": "Polygon", "coordinates": [ring]})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "does not close" in refused.json()["detail"]
    assert session.scalar(select(func.count()).select_from(Zone)) == 0


def test_an_outline_outside_the_jurisdiction_is_422(api: TestClient, session: Session) -> None:
    refused = _draw(api, geometry=square(125.0, 35.0))
    assert refused.status_code == 422
    assert "outside Place C1A" in refused.json()["detail"] and "50 km" in refused.json()["detail"]
    assert session.scalar(select(func.count()).select_from(Zone)) == 0


def test_an_outline_outside_a_drawn_jurisdiction_outline_is_422(
    api: TestClient, world: dict[str, Any], session: Session
) -> None:
    world["C1A"].geometry = square(119.0, 29.0, 0.2)
    session.commit()
    assert _draw(api).status_code == 422
    assert _draw(api, geometry=square(119.05, 29.05)).status_code == 201


def test_step_down_and_lift_are_checked(api: TestClient, clock: FrozenClock) -> None:
    zone = _draw(api).json()
    early = api.post(f"{URL}/{zone['id']}/step-down", json={"version": zone["version"]})
    assert early.status_code == 409 and "screening round" in early.json()["detail"]
    assert api.post(f"{URL}/{zone['id']}/lift", json={"version": 1}).status_code == 409
    clock.advance(timedelta(days=6))  # day 7 of the clean days: the round
    sent = api.post(
        f"{URL}/{zone['id']}/rounds",
        json={"day": str(DAY + days(6)), "result": "negative", "tested": 412},
    )
    assert sent.status_code == 201
    assert api.post(f"{URL}/{zone['id']}/step-down", json={"version": 1}).status_code == 409
    clock.advance(timedelta(days=1))
    down = api.post(f"{URL}/{zone['id']}/step-down", json={"version": 1})
    assert down.status_code == 200, down.text
    assert down.json()["level"] == "controlled"
    assert down.json()["computed"]["earliest"] == str(DAY + days(10))  # 3 days, no round
    stale = api.post(f"{URL}/{zone['id']}/step-down", json={"version": 1})
    assert stale.status_code == 409
    clock.advance(timedelta(days=3))
    low = api.post(f"{URL}/{zone['id']}/step-down", json={"version": 2}).json()
    assert low["level"] == "precaution" and low["computed"]["ready"]
    lifted = api.post(f"{URL}/{zone['id']}/lift", json={"version": 3}).json()
    assert lifted["status"] == "lifted" and lifted["computed"] is None


def test_a_precaution_zone_waits_for_the_higher_zones(api: TestClient) -> None:
    _draw(api)
    low = _draw(api, level="precaution", name="Around").json()
    assert [m["code"] for m in low["computed"]["missing"]] == ["higher_zones"]
    assert api.post(f"{URL}/{low['id']}/lift", json={"version": 1}).status_code == 409


def test_update_raises_the_level_but_never_lowers_it(api: TestClient) -> None:
    zone = _draw(api, level="controlled").json()
    lower = api.patch(f"{URL}/{zone['id']}", json={"version": 1, "level": "precaution"})
    assert lower.status_code == 422
    raised = api.patch(
        f"{URL}/{zone['id']}", json={"version": 1, "level": "sealed", "addresses": ["文三路89号"]}
    )
    assert raised.status_code == 200 and raised.json()["level"] == "sealed"
    assert raised.json()["residents"] == 1 and raised.json()["version"] == 2
    assert api.patch(f"{URL}/{zone['id']}", json={"version": 1, "name": "x"}).status_code == 409


def test_bad_levels_addresses_and_empty_zones_are_422(api: TestClient) -> None:
    assert _draw(api, level="purple").status_code == 422
    assert _draw(api, addresses=["路"]).status_code == 422
    assert _draw(api, addresses=[], geometry=None).status_code == 422


def test_a_viewer_may_read_but_not_draw(api: TestClient, session: Session) -> None:
    make_user(session, "viewer", "viewer", "C1A")
    headers = bearer(api, "viewer")
    assert api.get(URL, headers=headers).status_code == 200
    assert _draw(api).status_code == 201
    assert (
        api.post(
            URL,
            json={
                "name": "x",
                "jurisdiction_code": "C1A",
                "level": "sealed",
                "addresses": [COMPOUND],
            },
            headers=headers,
        ).status_code
        == 403
    )


def test_the_list_pages_filters_and_sorts_active_zones_first(
    api: TestClient, session: Session, world: dict[str, Any]
) -> None:
    older = _draw(api, name="Older", drawn_on=str(DAY - days(3))).json()
    newer = _draw(api, name="Newer").json()
    lifted = draw(session, world["C1A"], name="Lifted", level="precaution")
    lifted.status, lifted.lifted_on = "lifted", DAY
    draw(session, world["C2A"], name="Elsewhere")  # another county: never listed
    session.commit()

    def names(**params: str) -> list[str]:
        return [z["name"] for z in api.get(URL, params=params).json()["items"]]

    assert names() == ["Newer", "Older", "Lifted"]
    assert names(active="true") == ["Newer", "Older"]
    assert names(status="lifted") == ["Lifted"]
    assert names(sort="name", order="asc") == ["Lifted", "Newer", "Older"]
    assert names(q="ew") == ["Newer"]
    first = api.get(URL, params={"limit": 1}).json()
    assert first["items"][0]["id"] == newer["id"] and first["next_offset"] == 1
    assert first["total"] == 3 and older["id"] != newer["id"]
    assert api.get(URL, params={"jurisdiction": "C2A"}).status_code == 404
