"""Exposures as rows (issue 14: they were one free-text box): a venue of the register or
an address, when, how and where; added and removed through the API and the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.places.models import Venue
from tests.places.factories import by_code
from tests.surveillance.cases.factories import county_world, post_case
from tests.web.pages import log_in

from .factories import api, frozen_client


@pytest.fixture
def client(app_factory: Any, session: Session) -> Iterator[TestClient]:
    county_world(session)
    session.commit()
    yield from frozen_client(app_factory)


def venue(session: Session, code: str, county: str) -> int:
    place = by_code(session, county)
    found = Venue(
        jurisdiction_id=place.id, code=code, name=f"Noodle shop {code}", kind="restaurant"
    )
    session.add(found)
    session.commit()
    return found.id


def test_exposure_rows_through_the_api(client: TestClient, session: Session) -> None:
    cid = int(post_case(client, "ann")["id"])
    shop = venue(session, "V1", "C1A")
    far = venue(session, "V2", "C2A")
    row = {
        "venue_id": shop,
        "starts_at": "2024-03-02T04:00:00Z",
        "ends_at": "2024-03-02T05:00:00Z",
        "exposure_type": "face_to_face",
        "setting": "venue",
    }
    made = api(client, "ann", "POST", f"/cases/{cid}/exposures", json=row)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["description"], body["exposure_type"], body["setting"]) == (
        "Noodle shop V1",
        "face_to_face",
        "venue",
    )
    at = {"address": "3 West Lake Road", "starts_at": "2024-03-01T02:00:00Z", "kind": "event"}
    assert api(client, "ann", "POST", f"/cases/{cid}/exposures", json=at).status_code == 201
    listed = api(client, "ann", "GET", f"/cases/{cid}/exposures").json()
    assert [e["description"] for e in listed["items"]] == ["3 West Lake Road", "Noodle shop V1"]
    elsewhere = api(client, "ann", "POST", f"/cases/{cid}/exposures", json=dict(row, venue_id=far))
    assert elsewhere.status_code == 422  # another county's venue answers as a missing one
    ahead = dict(at, starts_at="2024-03-06T02:00:00Z")
    refused = api(client, "ann", "POST", f"/cases/{cid}/exposures", json=ahead)
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == [
        "body",
        "starts_at",
    ]
    nowhere = api(
        client, "ann", "POST", f"/cases/{cid}/exposures", json={"starts_at": "2024-03-01T02:00:00Z"}
    )
    assert nowhere.status_code == 422
    bad_code = api(client, "ann", "POST", f"/cases/{cid}/exposures", json=dict(at, setting="pub"))
    assert bad_code.status_code == 422
    gone = api(client, "ann", "DELETE", f"/cases/{cid}/exposures/{body['id']}")
    assert gone.status_code == 204
    assert api(client, "ann", "GET", f"/cases/{cid}/exposures").json()["total"] == 1
    assert api(client, "bob", "DELETE", f"/cases/{cid}/exposures/{body['id']}").status_code == 404


def test_exposure_rows_on_the_page(client: TestClient, session: Session) -> None:
    cid = int(post_case(client, "ann")["id"])
    shop = venue(session, "V1", "C1A")
    csrf = log_in(client, "ann")
    found = client.get("/investigation/venue-picker?venue_q=noodle").text
    assert f'data-pick-venue="{shop}"' in found
    form = {
        "csrf_token": csrf,
        "venue_id": str(shop),
        "venue_q": "Noodle shop V1",
        "day": "2024-03-02",
        "start": "12:00",
        "end": "13:30",
        "setting": "venue",
    }
    added = client.post(f"/investigation/cases/{cid}/exposures", data=form)
    assert added.status_code == 200
    assert "Noodle shop V1" in added.text and "2024-03-02 12:00–13:30" in added.text
    refused = client.post(
        f"/investigation/cases/{cid}/exposures",
        data={
            "csrf_token": csrf,
            "day": "2024-03-02",
            "start": "09:00",
            "end": "08:00",
            "address": "3 West Lake Road",
        },
    )
    assert refused.status_code == 422
    assert 'id="end-error" role="alert">The exposure ends before it starts.' in refused.text
    assert 'value="3 West Lake Road"' in refused.text  # what was typed is kept
    empty = client.post(
        f"/investigation/cases/{cid}/exposures", data={"csrf_token": csrf, "day": "2024-03-02"}
    )
    assert "Choose a venue of the register or write an address." in empty.text
    row = api(client, "ann", "GET", f"/cases/{cid}/exposures").json()["items"][0]
    removed = client.delete(
        f"/investigation/cases/{cid}/exposures/{row['id']}", headers={"X-CSRF-Token": csrf}
    )
    assert removed.status_code == 200 and "Noodle shop V1" not in removed.text
