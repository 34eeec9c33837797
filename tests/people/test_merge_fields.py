"""Issue 14: a merge chooses field by field; "keep the older record" no longer drops an
address typed into the newer one a minute earlier."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.people.models import Person
from tests.auth.factories import bearer
from tests.people.test_views import decide
from tests.surveillance.views.factories import world
from tests.web.pages import log_in


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    found = world(session)
    match = found["match"]
    session.get_one(Person, match.person_id).address = "1 Old Road"
    session.commit()
    # Typed a minute later into the newer record.
    session.get_one(Person, match.duplicate_id).address = "22 New Street, flat 3"
    session.commit()
    return found


def test_keeping_the_older_record_keeps_the_newer_address_by_default(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    match = data["match"]
    page = client.get("/people/matches").text
    assert 'name="field-address"' in page and "22 New Street, flat 3" in page
    merged = decide(client, match.id, csrf, f"keep-{match.person_id}")
    assert merged.status_code == 200, merged.text
    kept = session.get_one(Person, match.person_id)
    session.refresh(kept)
    assert kept.address == "22 New Street, flat 3"


def test_each_field_takes_the_value_chosen(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    match = data["match"]
    form = {
        "decision": f"keep-{match.duplicate_id}",
        "csrf_token": csrf,
        "field-address": str(match.person_id),
        "field-name": str(match.person_id),
    }
    merged = client.post(f"/people/matches/{match.id}", data=form, headers={"HX-Request": "true"})
    assert merged.status_code == 200, merged.text
    kept = session.get_one(Person, match.duplicate_id)
    session.refresh(kept)
    assert (kept.address, kept.name) == ("1 Old Road", "赵六")


def test_the_api_chooses_field_by_field(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    match = data["match"]
    stranger = {"keep_id": match.person_id, "values": {"address": 999}}
    refused = client.post(
        f"/api/v1/person-matches/{match.id}/accept", json=stranger, headers=bearer(client, "ann")
    )
    assert refused.status_code == 422
    body = {"keep_id": match.person_id, "values": {"address": match.person_id}}
    answer = client.post(
        f"/api/v1/person-matches/{match.id}/accept", json=body, headers=bearer(client, "ann")
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["person"]["address"] == "1 Old Road"
    assert answer.json()["person"]["name"] == "赵 六"  # not chosen: the newer value
