"""The merge queue page: pairs side by side, accept or reject, 409 when decided already."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.people.models import Person
from tests.surveillance.views.factories import world
from tests.web.pages import log_in


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    return world(session)


def decide(client: TestClient, match_id: int, csrf: str | None, decision: str) -> Any:
    form = {"decision": decision, **({"csrf_token": csrf} if csrf else {})}
    return client.post(f"/people/matches/{match_id}", data=form, headers={"HX-Request": "true"})


def test_queue_in_both_languages_and_scoped(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "ann")
    html = client.get("/people/matches").text
    assert "赵 六" in html and "Same date of birth" in html and "0.95" in html
    assert "出生日期相同" in client.get("/people/matches?lang=zh").text
    log_in(client, "bob")
    assert "赵 六" not in client.get("/people/matches").text
    log_in(client, "viewer")
    assert client.get("/people/matches").status_code == 403


def test_accept_keeps_the_chosen_record_then_conflicts(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    match = data["match"]
    assert decide(client, match.id, None, f"keep-{match.duplicate_id}").status_code == 403
    merged = decide(client, match.id, csrf, f"keep-{match.duplicate_id}")
    assert merged.status_code == 200 and "The records were merged" in merged.text
    assert session.get_one(Person, match.person_id).merged_into_id == match.duplicate_id
    again = decide(client, match.id, csrf, "reject")
    assert again.status_code == 409 and "Someone else decided" in again.text


def test_reject(client: TestClient, data: dict[str, Any]) -> None:
    csrf = log_in(client, "ann")
    response = decide(client, data["match"].id, csrf, "reject")
    assert response.status_code == 200 and "Both records stay" in response.text
