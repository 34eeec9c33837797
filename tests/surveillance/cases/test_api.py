from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.surveillance.models import ClassificationChange
from tests.auth.factories import bearer
from tests.surveillance.cases.factories import case_body, county_world, post_case
from tests.surveillance.profiles import ADDED, deployment_folder


def test_create_and_read_with_history(session: Session, client: TestClient) -> None:
    county_world(session)
    created = post_case(client, "ann")
    assert created["classification"] == "suspected"
    assert created["person"]["name"] == "王小明"
    assert [h["to_classification"] for h in created["history"]] == ["suspected"]
    first = created["history"][0]  # synthesised from the case: no change row is stored
    assert (first["id"], first["from_classification"], first["reason"]) == (None, None, "reported")
    assert first["user_id"] is not None and first["at"] == created["created_at"]
    stored = select(func.count()).where(ClassificationChange.case_id == created["id"])
    assert session.scalar(stored) == 0
    assert created["allowed_transitions"] == ["probable", "confirmed", "discarded"]
    read = client.get(f"/api/v1/cases/{created['id']}", headers=bearer(client, "ann")).json()
    assert read["id"] == created["id"] and read["version"] == 1
    reads = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "read", AuditEvent.entity == "case")
    ).all()
    assert any(created["person_id"] in e.detail["persons"] for e in reads)  # type: ignore[operator]


def test_patch_needs_the_current_version(session: Session, client: TestClient) -> None:
    county_world(session)
    case = post_case(client, "ann")
    headers = bearer(client, "ann")
    url = f"/api/v1/cases/{case['id']}"
    ok = client.patch(
        url,
        json={"version": 1, "outcome": "recovered", "date_outcome": "2024-03-20"},
        headers=headers,
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["version"] == 2 and ok.json()["outcome"] == "recovered"
    stale = client.patch(url, json={"version": 1, "outcome": "died"}, headers=headers)
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    assert client.get(url, headers=headers).json()["outcome"] == "recovered"


def test_patch_refuses_onset_after_report(session: Session, client: TestClient) -> None:
    county_world(session)
    case = post_case(client, "ann")
    response = client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"version": 1, "date_onset": "2024-03-09"},
        headers=bearer(client, "ann"),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Date of onset is after Date of report."
    assert [e["loc"][-1] for e in response.json()["errors"]] == ["date_onset"]


def test_patch_refuses_a_date_in_the_future(session: Session, client: TestClient) -> None:
    """The same date rule as a new case's (people.validation.case_dates)."""
    county_world(session)
    case = post_case(client, "ann")
    response = client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"version": 1, "date_reporting": "2099-01-01"},
        headers=bearer(client, "ann"),
    )
    assert response.status_code == 422
    assert "Date of report is after today" in response.json()["detail"]
    assert (
        client.get(f"/api/v1/cases/{case['id']}", headers=bearer(client, "ann")).json()["version"]
        == 1
    )


def test_patch_cannot_remove_the_report_date(session: Session, client: TestClient) -> None:
    county_world(session)
    case = post_case(client, "ann")
    url = f"/api/v1/cases/{case['id']}"
    headers = bearer(client, "ann")
    for wrong in (None, 0, "0", "2024-3-5"):
        sent = client.patch(url, json={"version": 1, "date_reporting": wrong}, headers=headers)
        assert sent.status_code == 422, (wrong, sent.text)
        assert sent.json()["errors"][0]["loc"][:2] == ["body", "date_reporting"]
    read = client.get(url, headers=headers).json()
    assert (read["version"], read["date_reporting"]) == (1, case["date_reporting"])


def test_classification_follows_the_profile(session: Session, client: TestClient) -> None:
    county_world(session)
    case = post_case(client, "ann")
    headers = bearer(client, "ann")
    url = f"/api/v1/cases/{case['id']}/classification"
    confirmed = client.post(
        url,
        json={
            "to": "confirmed",
            "version": 1,
            "reason": "PCR positive",
            "date_confirmation": "2024-03-06",
        },
        headers=headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["classification"] == "confirmed" and body["date_confirmation"] == "2024-03-06"
    assert [(h["from_classification"], h["to_classification"]) for h in body["history"]] == [
        (None, "suspected"),
        ("suspected", "confirmed"),
    ]
    assert body["history"][1]["reason"] == "PCR positive"
    assert body["history"][0]["id"] is None and body["history"][1]["id"] is not None
    refused = client.post(url, json={"to": "probable", "version": 2}, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["allowed"] == ["discarded"]
    stale = client.post(url, json={"to": "discarded", "version": 1}, headers=headers)
    assert stale.status_code == 409 and "version" in stale.json()["detail"]
    unknown = client.post(url, json={"to": "cured", "version": 2}, headers=headers)
    assert unknown.status_code == 422


def test_county_user_cannot_write_or_read_another_county(
    session: Session, client: TestClient
) -> None:
    county_world(session)
    ann, bob = bearer(client, "ann"), bearer(client, "bob")
    refused = client.post("/api/v1/cases", json=case_body("C2A"), headers=ann)
    assert refused.status_code == 404
    theirs = post_case(client, "bob", jurisdiction_code="C2A")
    assert client.get(f"/api/v1/cases/{theirs['id']}", headers=ann).status_code == 404
    patch = client.patch(
        f"/api/v1/cases/{theirs['id']}", json={"version": 1, "outcome": "died"}, headers=ann
    )
    assert patch.status_code == 404
    listing = client.get("/api/v1/cases", headers=ann).json()
    assert listing["total"] == 0
    assert client.get("/api/v1/cases", headers=bob).json()["total"] == 1
    city = client.get("/api/v1/cases?jurisdiction=C1A", headers=bearer(client, "city")).json()
    assert city["total"] == 0
    moved = client.patch(
        f"/api/v1/cases/{theirs['id']}",
        json={"version": 1, "jurisdiction_code": "C1A"},
        headers=bob,
    )
    assert moved.status_code == 404  # C1A is outside bob's county


def test_list_filters(session: Session, client: TestClient) -> None:
    county_world(session)
    post_case(client, "ann")
    post_case(
        client,
        "ann",
        classification="confirmed",
        date_reporting="2024-03-07",
        person={"name": "李华", "national_id": "11010519491231002X"},
    )
    headers = bearer(client, "city")
    confirmed = client.get("/api/v1/cases?classification=confirmed", headers=headers).json()
    assert [c["person_name"] for c in confirmed["items"]] == ["李华"]
    recent = client.get("/api/v1/cases?reported_from=2024-03-06", headers=headers).json()
    assert recent["total"] == 1
    assert client.get("/api/v1/cases?jurisdiction=C1A", headers=headers).json()["total"] == 2


def test_same_external_id_twice_is_a_conflict(session: Session, client: TestClient) -> None:
    county_world(session)
    post_case(client, "ann", source="nndrs", external_id="X1")
    again = client.post(
        "/api/v1/cases",
        json=case_body(source="nndrs", external_id="X1"),
        headers=bearer(client, "ann"),
    )
    assert again.status_code == 409


def test_unknown_disease_and_missing_person(session: Session, client: TestClient) -> None:
    county_world(session)
    headers = bearer(client, "ann")
    assert (
        client.post("/api/v1/cases", json=case_body(disease="plague"), headers=headers).status_code
        == 422
    )
    assert (
        client.post("/api/v1/cases", json=case_body(person=None), headers=headers).status_code
        == 422
    )


def test_a_stale_version_is_refused_even_when_nothing_would_change(
    session: Session, client: TestClient
) -> None:
    """No update may skip the version check: an empty or same-value body is still a 409."""
    county_world(session)
    case = post_case(client, "ann")
    headers = bearer(client, "ann")
    url = f"/api/v1/cases/{case['id']}"
    body = {"version": 1, "outcome": "recovered", "date_outcome": "2024-03-20"}
    assert client.patch(url, json=body, headers=headers).json()["version"] == 2
    for stale in ({"version": 1}, body):
        refused = client.patch(url, json=stale, headers=headers)
        assert refused.status_code == 409, stale
    same = client.patch(url, json={**body, "version": 2}, headers=headers)
    assert same.status_code == 200


def test_a_disease_the_deployment_folder_adds_is_reported_and_reclassified(
    session: Session, client: TestClient, app_factory: Any, tmp_path: Path
) -> None:
    county_world(session)
    refused = client.post(
        "/api/v1/cases", json=case_body(disease=ADDED), headers=bearer(client, "ann")
    )
    assert refused.status_code == 422  # the shipped profiles do not know it
    with TestClient(app_factory(disease_dir=deployment_folder(tmp_path))) as deployed:
        headers = bearer(deployed, "ann")
        made = deployed.post("/api/v1/cases", json=case_body(disease=ADDED), headers=headers)
        assert made.status_code == 201, made.text
        assert made.json()["allowed_transitions"] == ["confirmed", "discarded"]
        url = f"/api/v1/cases/{made.json()['id']}/classification"
        moved = deployed.post(url, json={"to": "confirmed", "version": 1}, headers=headers)
        assert moved.status_code == 200, moved.text
        assert moved.json()["date_confirmation"] is not None
