"""Issue 14: a case reported through the API passes the one set of rules
(people.validation), keeps what was typed, and is not repeated for one person silently."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.people.models import Person
from fireline.surveillance.models import Case
from tests.auth.factories import bearer
from tests.surveillance.cases.factories import case_body, county_world, post_case
from tests.tracing.factories import frozen_client

# The frozen clock says 2024-03-05 (tests.tracing.factories.NOW).
MALE_1990 = "330102199004010114"  # born 1990-04-01, order 011: male


@pytest.fixture
def client(app_factory: Any, session: Session) -> Iterator[TestClient]:
    county_world(session)
    session.commit()
    yield from frozen_client(app_factory)


def post(client: TestClient, **overrides: Any) -> Any:
    return client.post("/api/v1/cases", json=case_body(**overrides), headers=bearer(client, "ann"))


def person(**fields: Any) -> dict[str, Any]:
    return {**case_body()["person"], **fields}


def refused_fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return sorted(e["loc"][-1] for e in response.json()["errors"])


def cases(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Case)) or 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date_reporting": "2027-01-05"}, "date_reporting"),
        ({"person": person(birth_date="2030-01-01")}, "birth_date"),
        ({"person": person(birth_date="2024-03-03")}, "birth_date"),  # born after onset
        ({"date_onset": "2024-03-06", "date_reporting": "2024-03-05"}, "date_onset"),
        ({"person": person(national_id="ABCDEFG")}, "national_id"),
        ({"person": person(national_id="33010219900401011")}, "national_id"),  # 17 digits
        ({"person": person(national_id="330102199004010115")}, "national_id"),  # check digit
        ({"person": person(phone="abc-not-a-phone")}, "phone"),
        ({"person": person(name="x" * 10_000)}, "name"),
    ],
)
def test_bad_values_are_refused_naming_the_field(
    client: TestClient, session: Session, body: dict[str, Any], field: str
) -> None:
    before = cases(session)
    assert field in refused_fields(post(client, **body))
    assert cases(session) == before


def test_the_id_fills_birth_date_and_sex(client: TestClient, session: Session) -> None:
    made = post_case(
        client,
        "ann",
        person={"name": "周明", "national_id": MALE_1990, "phone": "+86 139 0000 0002"},
    )
    assert (made["person"]["birth_date"], made["person"]["sex"]) == ("1990-04-01", "male")
    assert made["person"]["phone"] == "13900000002"
    contradicted = post(client, person=person(national_id=MALE_1990, sex="female"))
    assert refused_fields(contradicted) == ["sex"]


def test_reusing_an_id_with_other_details_shows_both_and_lets_the_user_choose(
    client: TestClient, session: Session
) -> None:
    first = post_case(client, "ann", person=person(name="周明", national_id=MALE_1990))
    typed = person(name="周 明", national_id=MALE_1990, phone="13900000077", address="1 New Rd")
    asked = post(client, person=typed, disease="measles")
    assert asked.status_code == 409
    found = {d["field"]: (d["on_file"], d["typed"]) for d in asked.json()["differences"]}
    assert found == {
        "name": ("周明", "周 明"),
        "phone": ("13900000001", "13900000077"),
        "address": ("", "1 New Rd"),
    }
    kept = post_case(client, "ann", person=typed, disease="measles", existing_person="keep")
    assert kept["person_id"] == first["person_id"] and kept["person"]["name"] == "周明"
    updated = post_case(client, "ann", person=typed, disease="mpox", existing_person="update")
    assert updated["person"]["phone"] == "13900000077"
    assert updated["person"]["address"] == "1 New Rd"
    updates = select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.entity == "person")
    assert len(session.scalars(updates).all()) == 1


def test_five_confirmed_cases_the_same_day_need_a_reason(
    client: TestClient, session: Session
) -> None:
    same = person(national_id=MALE_1990)
    post_case(client, "ann", person=same, classification="confirmed")
    for _ in range(4):
        again = post(client, person=same, classification="confirmed")
        assert again.status_code == 409 and again.json()["cases"], again.text
    assert session.scalar(select(func.count()).select_from(Person)) == 1
    assert cases(session) == 1
    reason = "reinfection: new sequence, 120 days after recovery"
    second = post_case(client, "ann", person=same, classification="confirmed", repeat_reason=reason)
    assert second["history"][0]["reason"] == f"repeat case: {reason}"
    assert cases(session) == 2


def test_candidates_while_typing_through_the_api_in_scope_and_audited(
    client: TestClient, session: Session
) -> None:
    made = post_case(client, "ann", person=person(name="周明", national_id=MALE_1990))
    for query in ("id_number=330102", "phone=139 0000 0001", "name=周明"):
        found = client.get(f"/api/v1/persons/candidates?{query}", headers=bearer(client, "ann"))
        assert [p["id"] for p in found.json()["items"]] == [made["person_id"]], query
    assert (
        client.get("/api/v1/persons/candidates?name=周", headers=bearer(client, "ann")).json()[
            "items"
        ]
        == []
    )
    other = client.get("/api/v1/persons/candidates?name=周明", headers=bearer(client, "bob"))
    assert other.status_code == 200 and other.json()["items"] == []  # bob's county is C2A
    reads = select(AuditEvent).where(AuditEvent.action == "read", AuditEvent.entity == "person")
    assert any(e.detail.get("view") == "candidates" for e in session.scalars(reads))
