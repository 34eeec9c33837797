"""Cases, users and headers for the case tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree


def county_world(session: Session) -> dict[str, Any]:
    """The small tree, an investigator in C1A and one in C2A."""
    tree = small_tree(session)
    session.commit()
    make_user(session, "ann", "investigator", "C1A")
    make_user(session, "bob", "investigator", "C2A")
    make_user(session, "city", "admin", "C1")
    return tree


def case_body(code: str = "C1A", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "disease": "covid19",
        "jurisdiction_code": code,
        "classification": "suspected",
        "date_reporting": "2024-03-05",
        "date_onset": "2024-03-02",
        "person": {
            "name": "王小明",
            "sex": "male",
            "birth_date": "1990-04-01",
            "phone": "13900000001",
            "national_id": None,
        },
    }
    body.update(overrides)
    return body


def post_case(client: TestClient, user: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/cases", json=case_body(**overrides), headers=bearer(client, user)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
