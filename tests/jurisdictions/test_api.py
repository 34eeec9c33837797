from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree


def test_county_user_lists_only_its_county(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "county", "investigator", "C1A")
    body = client.get("/api/v1/jurisdictions", headers=bearer(client, "county")).json()
    assert [j["code"] for j in body["items"]] == ["C1A"]
    assert body["total"] == 1


def test_city_user_sees_its_subtree_in_tree_order(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "city", "epidemiologist", "C2")
    body = client.get("/api/v1/jurisdictions", headers=bearer(client, "city")).json()
    assert [j["code"] for j in body["items"]] == ["C2", "C2A", "C2B"]
    assert body["items"][1]["parent_code"] == "C2"


def test_pagination_gives_next_offset(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "prov", "admin", "P")
    headers = bearer(client, "prov")
    first = client.get("/api/v1/jurisdictions?limit=3", headers=headers).json()
    assert first["total"] == 7 and first["next_offset"] == 3
    last = client.get("/api/v1/jurisdictions?limit=3&offset=6", headers=headers).json()
    assert [j["code"] for j in last["items"]] == ["C2B"] and last["next_offset"] is None


def test_outside_scope_is_404_problem(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "county", "investigator", "C1A")
    response = client.get("/api/v1/jurisdictions/C2A", headers=bearer(client, "county"))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_children_answer_with_the_envelope_in_scope(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "city", "epidemiologist", "C1")
    headers = bearer(client, "city")
    body = client.get("/api/v1/jurisdictions/C1/children?limit=1", headers=headers).json()
    assert [j["code"] for j in body["items"]] == ["C1A"]
    assert (body["total"], body["limit"], body["offset"], body["next_offset"]) == (2, 1, 0, 1)
    assert client.get("/api/v1/jurisdictions/P/children", headers=headers).status_code == 404


def test_the_next_cursor_pages_on_and_a_bad_one_is_a_400_problem(
    session: Session, client: TestClient
) -> None:
    small_tree(session)
    make_user(session, "prov", "admin", "P")
    headers = bearer(client, "prov")
    first = client.get("/api/v1/jurisdictions?limit=3", headers=headers).json()
    assert first["total_exact"] is True and first["next_cursor"]
    after = {"limit": 3, "after": first["next_cursor"]}
    second = client.get("/api/v1/jurisdictions", params=after, headers=headers).json()
    assert [j["code"] for j in second["items"]] == ["C1B", "C2", "C2A"]
    assert (second["offset"], second["next_offset"]) == (3, 6)
    for bad in ("not-a-cursor", first["next_cursor"][:-4]):
        refused = client.get("/api/v1/jurisdictions", params={"after": bad}, headers=headers)
        assert refused.status_code == 400
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "cursor" in refused.json()["detail"]
