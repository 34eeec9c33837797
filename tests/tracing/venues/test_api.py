"""JSON routes: import a log, propose for a case, the queue, bulk decisions, visits."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.auth.factories import bearer, make_user
from tests.tracing.venues.factories import venue_world


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    found = venue_world(session)
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    make_user(session, "faraway", "investigator", "C2A")
    return found


def test_propose_review_and_confirm(client: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(client, "tracer")
    case_id = world["case"].id
    body = {"min_overlap_minutes": 10, "padding_minutes": 0}
    report = client.post(f"/api/v1/cases/{case_id}/venue-exposures", json=body, headers=headers)
    assert report.status_code == 200, report.text
    assert report.json()["proposed"] == 2
    queue = client.get(f"/api/v1/proposed-contacts?case_id={case_id}", headers=headers).json()
    assert queue["total"] == 2
    ids = [p["id"] for p in queue["items"]]
    decided = client.post(
        "/api/v1/proposed-contacts/decisions",
        json={"ids": ids, "decision": "confirm"},
        headers=headers,
    )
    assert decided.json()["contacts_created"] == 2
    again = client.post(
        "/api/v1/proposed-contacts/decisions",
        json={"ids": ids, "decision": "reject"},
        headers=headers,
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_another_county_gets_404(client: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(client, "faraway")
    case_id = world["case"].id
    response = client.post(f"/api/v1/cases/{case_id}/venue-exposures", json={}, headers=headers)
    assert response.status_code == 404
    visits = client.get(f"/api/v1/venues/{world['venue'].id}/visits", headers=headers)
    assert visits.status_code == 404


def test_visits_around_the_case(client: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(client, "tracer")
    url = f"/api/v1/venues/{world['venue'].id}/visits?case_id={world['case'].id}"
    visits = client.get(url, headers=headers).json()
    assert (visits["total"], visits["next_offset"]) == (5, None)
    assert [v["is_case"] for v in visits["items"]].count(True) == 1
    starts = [v["checked_in_at"] for v in visits["items"]]
    assert starts == sorted(starts)
    second = client.get(f"{url}&limit=2&offset=2", headers=headers).json()
    assert [v["checked_in_at"] for v in second["items"]] == starts[2:4]
    assert second["next_offset"] == 4


def test_bad_log_is_problem_json_with_lines(client: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(client, "tracer")
    log = b"person_id,venue_code,checked_in_at\n1,NOWHERE,2026-11-01 09:30\n"
    response = client.post(
        "/api/v1/check-ins/imports", headers=headers, files={"file": ("log.csv", log, "text/csv")}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["line"] == 2


def test_good_log_is_imported(client: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(client, "tracer")
    person = world["Long"].id
    log = f"person_id,venue_code,checked_in_at\n{person},V-C1A,2026-11-05 09:30\n".encode()
    response = client.post(
        "/api/v1/check-ins/imports", headers=headers, files={"file": ("log.csv", log, "text/csv")}
    )
    assert response.status_code == 201 and response.json() == {"rows": 1}
