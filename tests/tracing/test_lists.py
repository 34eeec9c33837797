"""The case's lists (contacts, exposures, links) and the cluster list through the page
envelope: filters, search, sort and pages, and nothing from another county."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.surveillance.cases.factories import county_world, post_case

from .factories import api, contact_body, frozen_client


@pytest.fixture
def client(app_factory: Any, session: Session) -> Iterator[TestClient]:
    county_world(session)
    session.commit()
    yield from frozen_client(app_factory)


def _contacts(client: TestClient, cid: int, **params: Any) -> dict[str, Any]:
    response = api(client, "ann", "GET", f"/cases/{cid}/contacts", params=params)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _names(page: dict[str, Any]) -> list[str]:
    return [c["person_name"] for c in page["items"]]


def test_contacts_page_filter_search_and_sort(client: TestClient) -> None:
    cid = int(post_case(client, "ann")["id"])
    first = None
    for i, (name, last) in enumerate(
        (("Zhao Li", "2024-03-04"), ("Qian Er", "2024-03-02"), ("Sun San", "2024-03-03"))
    ):
        body = contact_body(name, last=last, setting="work" if i else "household")
        if first is not None:
            body.update(category="secondary_close", source_contact_id=first)
        made = api(client, "ann", "POST", f"/cases/{cid}/contacts", json=body).json()
        first = first or made["id"]
    assert _names(_contacts(client, cid)) == ["Zhao Li", "Qian Er", "Sun San"]
    second = _contacts(client, cid, limit=2, offset=2)
    assert (_names(second), second["total"], second["next_offset"]) == (["Sun San"], 3, None)
    assert _contacts(client, cid, limit=2)["next_offset"] == 2
    assert _names(_contacts(client, cid, category="secondary_close")) == ["Qian Er", "Sun San"]
    assert _names(_contacts(client, cid, setting="household")) == ["Zhao Li"]
    assert _names(_contacts(client, cid, q="san")) == ["Sun San"]
    by_exposure = _contacts(client, cid, sort="last_exposure", order="asc")
    assert _names(by_exposure) == ["Qian Er", "Sun San", "Zhao Li"]
    assert _names(_contacts(client, cid, sort="name", order="desc")) == [
        "Zhao Li",
        "Sun San",
        "Qian Er",
    ]


def test_a_contact_shows_its_latest_order_once(client: TestClient) -> None:
    cid = int(post_case(client, "ann")["id"])
    made = api(client, "ann", "POST", f"/cases/{cid}/contacts", json=contact_body("Zhao Li"))
    issued = api(
        client, "ann", "POST", "/quarantine/orders", json={"contact_id": made.json()["id"]}
    )
    assert issued.status_code == 201, issued.text
    listed = _contacts(client, cid)
    assert listed["total"] == 1 and len(listed["items"]) == 1  # two orders, one row
    assert listed["items"][0]["order"]["id"] == issued.json()["id"]


def test_exposures_and_links_answer_with_the_envelope(client: TestClient) -> None:
    a, b = (int(post_case(client, "ann")["id"]) for _ in range(2))
    for starts, kind in (
        ("2024-03-01T10:00:00+08:00", "event"),
        ("2024-02-28T09:00:00+08:00", "place"),
    ):
        body = {
            "kind": kind,
            "description": f"a {kind}",
            "starts_at": starts,
            "ends_at": "2024-03-01T12:00:00+08:00",
        }
        assert api(client, "ann", "POST", f"/cases/{a}/exposures", json=body).status_code == 201
    exposures = api(client, "ann", "GET", f"/cases/{a}/exposures").json()
    assert exposures["total"] == 2 and exposures["next_offset"] is None
    assert [e["kind"] for e in exposures["items"]] == ["place", "event"]  # as they happened
    only = api(client, "ann", "GET", f"/cases/{a}/exposures", params={"kind": "event"}).json()
    assert [e["kind"] for e in only["items"]] == ["event"]
    link = {"infector_case_id": a, "infectee_case_id": b}
    assert api(client, "ann", "POST", "/tracing/links", json=link).status_code == 201
    links = api(client, "ann", "GET", f"/cases/{b}/links").json()
    assert links["total"] == 1 and links["items"][0]["infector_case_id"] == a
    for path in (f"/cases/{a}/exposures", f"/cases/{b}/links"):
        assert api(client, "bob", "GET", path).status_code == 404


def test_clusters_sort_and_page(client: TestClient) -> None:
    ids = [int(post_case(client, "ann")["id"]) for _ in range(5)]
    for x, y in ((ids[0], ids[1]), (ids[2], ids[3]), (ids[3], ids[4])):
        link = {"infector_case_id": x, "infectee_case_id": y}
        assert api(client, "ann", "POST", "/tracing/links", json=link).status_code == 201
    found = api(client, "ann", "GET", "/tracing/clusters").json()
    assert [c["size"] for c in found["items"]] == [3, 2] and found["total"] == 2
    small = api(client, "ann", "GET", "/tracing/clusters", params={"order": "asc"}).json()
    assert [c["size"] for c in small["items"]] == [2, 3]
    paged = api(client, "ann", "GET", "/tracing/clusters", params={"limit": 1}).json()
    assert ([c["size"] for c in paged["items"]], paged["next_offset"]) == ([3], 1)
    deep = api(client, "ann", "GET", "/tracing/clusters", params={"sort": "depth"}).json()
    assert [c["depth"] for c in deep["items"]] == [2, 1]
    assert api(client, "bob", "GET", "/tracing/clusters").json()["items"] == []
