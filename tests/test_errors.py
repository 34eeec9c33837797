"""Hostile input gets a 4xx problem document, never a 500, and changes nothing (the
database going away is in test_errors_outage.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.errors import PROBLEM_JSON
from fireline.surveillance.models import Case
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree

BEYOND_64_BITS = 2**64 + 1
CASE = {"disease": "covid19", "jurisdiction_code": "C1A", "person": {"name": "Ann Edge"}}


@pytest.fixture
def api(app_factory: Any, session: Session) -> Iterator[tuple[TestClient, dict[str, str]]]:
    small_tree(session)
    session.commit()
    make_user(session, "county", "admin", "C1A")
    # raise_server_exceptions=False: a 500 is an answer to assert on, not a crash
    with TestClient(app_factory(), raise_server_exceptions=False) as client:
        yield client, bearer(client, "county")


def cases(session: Session) -> int:
    return int(session.scalar(select(func.count(Case.id))) or 0)


def refused(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/cases/{BEYOND_64_BITS}",
        f"/api/v1/persons/{BEYOND_64_BITS}",
        f"/api/v1/quarantine/orders/{BEYOND_64_BITS}",
        f"/api/v1/cases?offset={BEYOND_64_BITS}",
        f"/api/v1/quarantine/due?assignee_id={BEYOND_64_BITS}",
        "/api/v1/cases?limit=-1",
        "/api/v1/cases?offset=-1",
    ],
)
def test_integers_out_of_range_in_path_and_query(api: Any, url: str) -> None:
    client, headers = api
    body = refused(client.get(url, headers=headers))
    assert body["errors"][0]["loc"][0] in ("path", "query")


def test_integer_beyond_64_bits_in_a_body(api: Any, session: Session) -> None:
    client, headers = api
    order = {"case_id": BEYOND_64_BITS, "kind": "home"}
    body = refused(client.post("/api/v1/quarantine/isolations", json=order, headers=headers))
    assert body["errors"][0]["loc"] == ["body", "case_id"]


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_outside_1900_2100_are_refused(api: Any, session: Session, day: str) -> None:
    client, headers = api
    new = {**CASE, "date_reporting": day}
    body = refused(client.post("/api/v1/cases", json=new, headers=headers))
    assert body["errors"][0]["loc"] == ["body", "date_reporting"]
    assert "1900" in body["errors"][0]["msg"]
    assert cases(session) == 0
    league = client.get("/api/v1/responses/league", params={"start": day}, headers=headers)
    assert refused(league)["errors"][0]["loc"] == ["query", "start"]


def test_the_edges_of_the_range_are_accepted(api: Any, session: Session) -> None:
    client, headers = api
    new = {**CASE, "date_reporting": "1900-01-01"}
    made = client.post("/api/v1/cases", json=new, headers=headers)
    assert made.status_code == 201, made.text
    assert cases(session) == 1
    week = {"start": "2100-12-25", "end": "2100-12-31"}
    assert client.get("/api/v1/responses/league", params=week, headers=headers).status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v1/cases", "/api/v1/lab-results/fhir", "/api/v1/quarantine/orders"]
)
def test_json_nested_100000_deep(api: Any, session: Session, url: str) -> None:
    client, headers = api
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    sent = client.post(url, content=deep, headers={**headers, "content-type": "application/json"})
    refused(sent, 400)
    assert cases(session) == 0


def test_every_operation_documents_its_problem_documents(api: Any) -> None:
    client, _ = api
    spec = client.get("/api/v1/openapi.json").json()
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation["responses"]["4XX"]["content"]
            assert content == {PROBLEM_JSON: {"schema": problem}}, f"{method} {path}"
            assert "422" not in operation["responses"], f"{method} {path}"
    assert set(spec["components"]["schemas"]["Problem"]["required"]) >= {"status", "detail"}
