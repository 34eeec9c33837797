"""The quarantine lists through the JSON API: every one answers with the page envelope,
filters and sorts, and shows a county user nothing of the other county."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.places.factories import by_code
from tests.quarantine.factories import quarantine
from tests.surveillance.cases.factories import county_world
from tests.tracing.factories import NOW, api, frozen_client

DAY = NOW.date()
ENVELOPE = {"items", "total", "total_exact", "limit", "offset", "next_offset", "next_cursor"}


@pytest.fixture
def client(app_factory: Any, session: Session) -> Iterator[TestClient]:
    county_world(session)  # ann in C1A, bob in C2A
    session.commit()
    yield from frozen_client(app_factory)


def _page(client: TestClient, user: str, path: str, **params: Any) -> dict[str, Any]:
    response = api(client, user, "GET", f"/quarantine{path}", params=params)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    assert set(found) == ENVELOPE
    return found


def _orders(session: Session, county: str, *lasts: date) -> list[int]:
    place = by_code(session, county)
    made = [quarantine(session, place, last=last, today=DAY).id for last in lasts]
    session.commit()
    return made


def test_orders_page_filter_and_sort(client: TestClient, session: Session) -> None:
    early, late = _orders(session, "C1A", DAY - timedelta(days=3), DAY - timedelta(days=1))
    (elsewhere,) = _orders(session, "C2A", DAY)
    listed = _page(client, "ann", "/orders")
    assert [o["id"] for o in listed["items"]] == [late, early]  # newest first
    by_end = _page(client, "ann", "/orders", sort="end", order="asc")
    assert [o["id"] for o in by_end["items"]] == [early, late]
    first = _page(client, "ann", "/orders", limit=1)
    assert (len(first["items"]), first["total"], first["next_offset"]) == (1, 2, 1)
    assert _page(client, "ann", "/orders", purpose="isolation")["total"] == 0
    assert _page(client, "ann", "/orders", status="active")["total"] == 2
    assert [o["id"] for o in _page(client, "bob", "/orders")["items"]] == [elsewhere]


def test_follow_ups_page_newest_first(client: TestClient, session: Session) -> None:
    (order,) = _orders(session, "C1A", DAY - timedelta(days=1))
    for temperature in (36.5, 37.0):
        sent = api(
            client,
            "ann",
            "POST",
            f"/quarantine/orders/{order}/follow-ups",
            json={"temperature": temperature},
        )
        assert sent.status_code == 201, sent.text
    history = _page(client, "ann", f"/orders/{order}/follow-ups")
    assert [f["temperature"] for f in history["items"]] == [37.0, 36.5]
    assert history["items"][0]["day"] == DAY.isoformat()  # the order's local day
    oldest = _page(client, "ann", f"/orders/{order}/follow-ups", order="asc", limit=1)
    assert ([f["temperature"] for f in oldest["items"]], oldest["next_offset"]) == ([36.5], 1)
    assert api(client, "bob", "GET", f"/quarantine/orders/{order}/follow-ups").status_code == 404


def test_facilities_page_in_scope(client: TestClient) -> None:
    for user, county, name in (
        ("ann", "C1A", "Hotel B"),
        ("ann", "C1A", "Hotel A"),
        ("bob", "C2A", "Far Hotel"),
    ):
        body = {"name": name, "jurisdiction_code": county, "rooms": [{"code": "1", "capacity": 2}]}
        made = api(client, user, "POST", "/quarantine/facilities", json=body)
        assert made.status_code == 201, made.text
    mine = _page(client, "ann", "/facilities")
    assert [f["name"] for f in mine["items"]] == ["Hotel A", "Hotel B"]  # by name
    assert mine["items"][0]["capacity"] == 2
    assert [f["name"] for f in _page(client, "ann", "/facilities", q="hotel b")["items"]] == [
        "Hotel B"
    ]
    assert [f["name"] for f in _page(client, "bob", "/facilities")["items"]] == ["Far Hotel"]
    refused = api(client, "bob", "GET", "/quarantine/facilities", params={"jurisdiction": "C1A"})
    assert refused.status_code == 404


def test_transfers_and_release_flags_pages(client: TestClient, session: Session) -> None:
    (order,) = _orders(session, "C1A", DAY - timedelta(days=1))
    moved = api(
        client,
        "ann",
        "POST",
        f"/quarantine/orders/{order}/transfer",
        json={"version": 1, "to_jurisdiction_code": "C2A"},
    )
    assert moved.status_code == 200, moved.text
    arrived = _page(client, "bob", "/transfers")
    assert [t["order_id"] for t in arrived["items"]] == [order]
    assert _page(client, "ann", "/transfers", direction="out")["total"] == 1
    assert _page(client, "ann", "/transfers")["total"] == 0
    due = api(client, "bob", "GET", "/quarantine/due", params={"limit": 1}).json()
    # The day's work queue pages by offset only (no cursor, an exact count).
    assert set(due) >= ENVELOPE - {"total_exact", "next_cursor"} and (
        due["total"],
        due["next_offset"],
    ) == (1, None)
    flags = _page(client, "ann", "/release-flags")
    assert (flags["items"], flags["total"], flags["next_offset"]) == ([], 0, None)
