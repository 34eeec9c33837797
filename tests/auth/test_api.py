from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from tests.auth.factories import bearer, make_user
from tests.people.factories import make_person
from tests.places.factories import small_tree


def test_token_then_me(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "ann", "epidemiologist", "C1")
    me = client.get("/api/v1/users/me", headers=bearer(client, "ann")).json()
    assert me["username"] == "ann" and me["jurisdiction_code"] == "C1"


def test_missing_or_forged_token_is_401_problem(session: Session, client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer forged"}):
        response = client.get("/api/v1/users/me", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"


def test_wrong_password_is_401_problem(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "ann", "epidemiologist", "C1")
    response = client.post("/api/v1/auth/token", json={"username": "ann", "password": "nope-nope"})
    assert response.status_code == 401
    assert response.json()["detail"] == "wrong username or password"


def test_viewer_cannot_read_persons(session: Session, client: TestClient) -> None:
    tree = small_tree(session)
    make_person(session, tree["C1A"])
    make_user(session, "vic", "viewer", "C1A")
    response = client.get("/api/v1/persons", headers=bearer(client, "vic"))
    assert response.status_code == 403


def test_every_read_of_personal_data_is_audited(session: Session, client: TestClient) -> None:
    tree = small_tree(session)
    person = make_person(session, tree["C1A"])
    make_user(session, "ann", "investigator", "C1A")
    headers = bearer(client, "ann")
    client.get("/api/v1/persons", headers=headers)
    client.get(f"/api/v1/persons/{person.id}", headers=headers)
    reads = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "person", AuditEvent.action == "read")
    ).all()
    assert [e.entity_ids for e in reads] == [[person.id], [person.id]]
    assert all("Test Person" not in str(e.detail) for e in reads)


def test_admin_creates_user_in_subtree(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "boss", "admin", "C1")
    body = {
        "username": "newbie",
        "password": "long-enough-1",
        "role": "viewer",
        "jurisdiction_code": "C1B",
    }
    response = client.post("/api/v1/users", json=body, headers=bearer(client, "boss"))
    assert response.status_code == 201, response.text
    assert response.json()["jurisdiction_code"] == "C1B"
    again = client.post("/api/v1/users", json=body, headers=bearer(client, "boss"))
    assert again.status_code == 409


def test_invalid_body_is_422_problem_with_errors(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "boss", "admin", "C1")
    response = client.post("/api/v1/users", json={"username": "x"}, headers=bearer(client, "boss"))
    assert response.status_code == 422
    assert response.json()["errors"]


def test_audit_log_is_admin_only_and_paged(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "boss", "admin", "C1")
    make_user(session, "ann", "investigator", "C1A")
    assert client.get("/api/v1/audit", headers=bearer(client, "ann")).status_code == 403
    page = client.get("/api/v1/audit?limit=1", headers=bearer(client, "boss")).json()
    assert len(page["items"]) == 1 and page["next_offset"] == 1


def test_audit_total_counts_every_visible_event(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "boss", "admin", "C1")
    headers = bearer(client, "boss")
    for _ in range(3):
        client.get("/api/v1/users/me", headers=bearer(client, "boss"))
    visible = client.get("/api/v1/audit?limit=500", headers=headers).json()["total"]
    page = client.get("/api/v1/audit?limit=2&offset=1", headers=headers).json()
    assert visible >= 4  # four log-ins at least, all in C1
    assert page["total"] == visible and len(page["items"]) == 2
    assert page["next_offset"] == 3


def test_a_log_in_is_audited_in_the_users_jurisdiction(
    session: Session, client: TestClient
) -> None:
    small_tree(session)
    make_user(session, "county-admin", "admin", "C1A")
    make_user(session, "ann", "investigator", "C1A")
    bearer(client, "ann")
    page = client.get("/api/v1/audit?limit=100", headers=bearer(client, "county-admin")).json()
    logins = [e for e in page["items"] if e["action"] == "login"]
    assert {e["detail"]["actor"] for e in logins} == {"ann", "county-admin"}


def test_weak_passwords_are_refused_by_the_api(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "boss", "admin", "C1")
    headers = bearer(client, "boss")
    body = {"username": "newbie", "role": "viewer", "jurisdiction_code": "C1B"}
    for weak, says in (
        ("password", "at least 12"),
        ("12345678", "at least 12"),
        ("qwerty123456", "commonly used"),
        ("newbie-is-here-2026", "user name"),
    ):
        refused = client.post("/api/v1/users", json={**body, "password": weak}, headers=headers)
        assert refused.status_code == 422, weak
        assert refused.headers["content-type"] == "application/problem+json"
        assert says in refused.json()["detail"]
    users = client.get("/api/v1/users", headers=headers).json()["items"]
    assert "newbie" not in {u["username"] for u in users}


def test_audit_filters_and_order(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "boss", "admin", "C1")
    headers = bearer(client, "boss")
    created = client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "newbie",
            "password": "a-long-enough-phrase-9",
            "role": "viewer",
            "jurisdiction_code": "C1B",
        },
    )
    assert created.status_code == 201, created.text
    found = client.get("/api/v1/audit?action=create&entity=user", headers=headers).json()
    assert found["total"] >= 1 and {e["action"] for e in found["items"]} == {"create"}
    newest = [e["id"] for e in client.get("/api/v1/audit", headers=headers).json()["items"]]
    oldest = client.get("/api/v1/audit?order=asc", headers=headers).json()["items"]
    assert newest == sorted(newest, reverse=True) and oldest[0]["id"] == min(newest)
