"""The queue of proposed orders through the JSON API: a contact listed by tracing waits
there; a decision is all or none, in scope, with versions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.quarantine.models import QuarantineOrder
from tests.places.factories import by_code
from tests.quarantine.factories import quarantine
from tests.surveillance.cases.factories import county_world, post_case
from tests.tracing.factories import api, contact_body, frozen_client

QUEUE = "/quarantine/proposals"
DECIDE = "/quarantine/proposals/decisions"


@pytest.fixture
def client(app_factory: Any, session: Session) -> Iterator[TestClient]:
    county_world(session)  # ann in C1A, bob in C2A
    session.commit()
    yield from frozen_client(app_factory)


def listed(client: TestClient, *names: str) -> list[dict[str, Any]]:
    """Contacts of a new case in C1A, listed by ann: each proposes an order."""
    case_id = post_case(client, "ann")["id"]
    for name in names:
        made = api(client, "ann", "POST", f"/cases/{case_id}/contacts", json=contact_body(name))
        assert made.status_code == 201, made.text
    items: list[dict[str, Any]] = api(client, "ann", "GET", QUEUE).json()["items"]
    return items


def body(decision: str, *items: dict[str, Any], **more: Any) -> dict[str, Any]:
    chosen = [{"id": i["order_id"], "version": i["version"]} for i in items]
    return {"decision": decision, "orders": chosen, **more}


def status_of(session: Session, *items: dict[str, Any]) -> list[str]:
    session.expire_all()
    return [session.get_one(QuarantineOrder, i["order_id"]).status for i in items]


def test_a_listed_contact_waits_in_the_queue_and_is_confirmed(
    client: TestClient, session: Session
) -> None:
    (zhao,) = listed(client, "Zhao Li")
    assert zhao["name"] == "Zhao Li" and zhao["category"] == "close"
    # COVID-19 close contact, last exposure 2024-03-04 (NHC plan 9): 7 days facility + 3 home
    assert (zhao["kind"], zhao["start_date"], zhao["end_date"]) == (
        "facility",
        "2024-03-05",
        "2024-03-14",
    )
    assert zhao["test_dates"][:3] == ["2024-03-05", "2024-03-06", "2024-03-07"]
    page = api(client, "ann", "GET", QUEUE, params={"limit": 1, "jurisdiction": "C1A"}).json()
    assert (page["total"], page["next_offset"]) == (1, None)
    done = api(client, "ann", "POST", DECIDE, json=body("confirm", zhao))
    assert done.status_code == 200, done.text
    assert done.json() == {"decision": "confirm", "decided": 1, "order_ids": [zhao["order_id"]]}
    order = api(client, "ann", "GET", f"/quarantine/orders/{zhao['order_id']}").json()
    assert (order["status"], order["version"], order["end_date"]) == ("active", 2, "2024-03-14")
    assert api(client, "ann", "GET", QUEUE).json()["total"] == 0
    due = api(client, "ann", "GET", "/quarantine/due", params={"jurisdiction": "C1A"}).json()
    assert [r["order_id"] for r in due["items"]] == [zhao["order_id"]]


def test_a_stale_version_is_409_and_nothing_in_the_batch_changes(
    client: TestClient, session: Session
) -> None:
    first, second = listed(client, "Zhao Li", "Qian Er")
    stale = body("confirm", first, {**second, "version": second["version"] + 1})
    response = api(client, "ann", "POST", DECIDE, json=stale)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert status_of(session, first, second) == ["proposed", "proposed"]
    cancelled = api(client, "ann", "POST", DECIDE, json=body("cancel", second, reason="wrong"))
    assert cancelled.status_code == 200
    again = api(client, "ann", "POST", DECIDE, json=body("confirm", first, second))
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]
    assert status_of(session, first, second) == ["proposed", "cancelled"]


def test_another_county_gets_404_and_a_viewer_403(client: TestClient, session: Session) -> None:
    (zhao,) = listed(client, "Zhao Li")
    assert api(client, "bob", "GET", QUEUE).json() == {
        "items": [],
        "total": 0,
        "total_exact": True,
        "limit": 50,
        "offset": 0,
        "next_offset": None,
        "next_cursor": None,
    }
    assert api(client, "bob", "GET", QUEUE, params={"jurisdiction": "C1A"}).status_code == 404
    refused = api(client, "bob", "POST", DECIDE, json=body("confirm", zhao))
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"
    assert status_of(session, zhao) == ["proposed"]


def test_bad_decisions_are_422_problems(client: TestClient, session: Session) -> None:
    (zhao,) = listed(client, "Zhao Li")
    for bad in (
        body("cancel", zhao),  # no reason
        body("confirm", zhao, zhao),  # twice
        body("confirm"),  # none
        body("confirm", zhao, kind="tent"),
        body("approve", zhao),
    ):
        response = api(client, "ann", "POST", DECIDE, json=bad)
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == "application/problem+json"
    assert status_of(session, zhao) == ["proposed"]


def test_extending_a_screening_hold_is_refused_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    # A hold from a positive pool: its category is in no disease profile (testing/pooling)
    day = date(2024, 3, 4)
    order = quarantine(session, by_code(session, "C1A"), last=day, today=day)
    order.source, order.category = "screening", "positive_pool"
    session.commit()
    before = (order.version, order.end_date, order.last_exposure)
    extend = {"version": order.version, "last_exposure": "2024-03-06"}
    refused = api(client, "ann", "POST", f"/quarantine/orders/{order.id}/extend", json=extend)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "positive_pool" in refused.json()["detail"]
    session.expire_all()
    stored = session.get_one(QuarantineOrder, order.id)
    assert (stored.version, stored.end_date, stored.last_exposure) == before
