"""The JSON API: scope on every read and write, versions, the board under a moved clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.clock import FrozenClock
from fireline.diseases import load_profiles
from fireline.response.models import Response, ResponseTask
from fireline.response.service import sweep
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.response.factories import T0, add_case, settings


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    tree = small_tree(session)
    own = add_case(session, tree["C1A"])
    other = add_case(session, tree["C2A"])
    sweep(session, T0, profiles=load_profiles(), settings=settings())
    session.commit()
    make_user(session, "county", "investigator", "C1A")
    make_user(session, "city", "epidemiologist", "C1")
    by_case = {r.case_id: r for r in session.scalars(select(Response))}
    other_task = session.scalars(
        select(ResponseTask).where(ResponseTask.response_id == by_case[other.id].id)
    ).first()
    assert other_task is not None
    return {"own": by_case[own.id].id, "other": by_case[other.id].id, "other_task": other_task.id}


@pytest.fixture
def app(app_factory: Callable[..., FastAPI]) -> FastAPI:
    built = app_factory()
    built.state.clock = FrozenClock(T0 + timedelta(hours=3))
    built.state.response_settings = settings()
    return built


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def test_a_county_user_sees_only_its_responses(api: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(api, "county")
    listed = api.get("/api/v1/responses", headers=headers).json()
    assert [r["id"] for r in listed["items"]] == [world["own"]]
    assert api.get(f"/api/v1/responses/{world['other']}", headers=headers).status_code == 404
    task = api.get(f"/api/v1/response-tasks/{world['other_task']}", headers=headers)
    assert task.status_code == 404
    done = api.post(
        f"/api/v1/response-tasks/{world['other_task']}/complete",
        json={"version": 1},
        headers=headers,
    )
    assert done.status_code == 404
    assert done.headers["content-type"] == "application/problem+json"


def test_detail_board_and_completion(api: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(api, "county")
    detail = api.get(f"/api/v1/responses/{world['own']}", headers=headers).json()
    lights = {t["playbook_id"]: t["light"] for t in detail["tasks"]}
    assert lights["isolate"] == "red" and lights["interview"] == "green"
    assert [i["name"] for i in detail["metrics"]["intervals"]] == ["detect", "notify", "respond"]
    board = api.get("/api/v1/responses/board?light=red", headers=headers).json()
    assert board["jurisdiction_code"] == "C1A" and board["counts"] == {"red": 2, "green": 6}
    task = next(t for t in detail["tasks"] if t["playbook_id"] == "isolate")
    url = f"/api/v1/response-tasks/{task['id']}/complete"
    done = api.post(url, json={"version": task["version"], "note": "admitted"}, headers=headers)
    assert done.status_code == 200 and done.json()["light"] == "done"
    stale = api.post(url, json={"version": task["version"]}, headers=headers)
    assert stale.status_code == 409
    timeline = api.get(f"/api/v1/responses/{world['own']}/timeline", headers=headers).json()
    entries = timeline["items"]
    assert [e["kind"] for e in entries][:1] == ["opened"] and "completed" in {
        e["kind"] for e in entries
    }
    assert timeline["total"] == len(entries) and timeline["next_offset"] is None
    first = api.get(f"/api/v1/responses/{world['own']}/timeline?limit=1", headers=headers).json()
    assert first["items"] == entries[:1] and first["next_offset"] == 1


def test_board_filters_out_of_range_are_refused_or_match_nothing(
    api: TestClient, world: dict[str, Any]
) -> None:
    headers = bearer(api, "county")
    for hours in ("1e308", "1e400", str(10**9)):
        old = api.get("/api/v1/responses/board", params={"min_age_hours": hours}, headers=headers)
        assert old.status_code == 422 and old.json()["errors"][0]["loc"][-1] == "min_age_hours"
    # "²" is a digit to str.isdigit, and 2**64 a user id no column holds: teams, not users
    for assignee in ("²", str(2**64)):
        board = api.get("/api/v1/responses/board", params={"assignee": assignee}, headers=headers)
        assert board.status_code == 200 and board.json()["tasks"] == []


def test_city_board_shows_the_escalated_tasks(api: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(api, "city")
    board = api.get("/api/v1/responses/board", headers=headers).json()
    assert board["jurisdiction_code"] == "C1"
    assert {t["playbook_id"] for t in board["tasks"]} == {"isolate", "notify"}
    assert {t["escalation"] for t in board["tasks"]} == {1}


def test_open_change_and_close_by_hand(api: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(api, "county")
    body = {"jurisdiction_code": "C1A", "disease": "covid19", "trigger": "cluster"}
    made = api.post("/api/v1/responses", json=body, headers=headers)
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    tasks = api.get(f"/api/v1/responses/{rid}", headers=headers).json()["tasks"]
    assert {(t["playbook_id"], t["owner_id"] != made.json()["jurisdiction_id"]) for t in tasks} == {
        ("screening", True),
        ("cluster_notify", False),  # screening is the city's task
    }
    elsewhere = api.post(
        "/api/v1/responses", json={**body, "jurisdiction_code": "C2A"}, headers=headers
    )
    assert elsewhere.status_code == 404
    bad = api.patch(f"/api/v1/responses/{rid}", json={"version": 1, "level": "V"}, headers=headers)
    assert bad.status_code == 422
    raised = api.patch(
        f"/api/v1/responses/{rid}", json={"version": 1, "level": "II"}, headers=headers
    )
    assert raised.json()["level"] == "II"
    closed = api.post(
        f"/api/v1/responses/{rid}/close",
        json={"version": raised.json()["version"], "summary": "contained"},
        headers=headers,
    )
    assert closed.json()["status"] == "closed"
    after = api.get(f"/api/v1/responses/{rid}", headers=headers).json()["tasks"]
    assert {t["status"] for t in after} == {"cancelled"}


def test_league_table_json_csv_xlsx(api: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(api, "city")
    league = api.get("/api/v1/responses/league", headers=headers).json()
    assert [r["code"] for r in league["rows"]] and {r["code"] for r in league["rows"]} == {
        "C1A",
        "C1B",
    }
    assert "C2A" not in str(league)
    csv_file = api.get("/api/v1/responses/league?format=csv", headers=headers)
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert csv_file.content.startswith(b"\xef\xbb\xbfrank,code")
    xlsx = api.get(
        "/api/v1/responses/league?format=xlsx&start=2026-03-01&end=2026-03-02", headers=headers
    )
    assert xlsx.content[:2] == b"PK"
    assert api.get("/api/v1/responses/league?jurisdiction=C2", headers=headers).status_code == 404


def test_the_lists_answer_with_the_page_envelope(
    api: TestClient, world: dict[str, Any], session: Session
) -> None:
    sweep(session, T0 + timedelta(hours=3), profiles=load_profiles(), settings=settings())
    session.commit()  # the overdue tasks are escalated to the cities
    county, city = bearer(api, "county"), bearer(api, "city")
    listed = api.get("/api/v1/responses?status=open&sort=opened&order=asc", headers=county)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert set(body) == {
        "items",
        "total",
        "total_exact",
        "limit",
        "offset",
        "next_offset",
        "next_cursor",
    }
    assert body["total"] == 1 and body["next_offset"] is None
    assert (body["items"][0]["open_tasks"], body["items"][0]["overdue_tasks"]) == (8, 2)
    assert api.get("/api/v1/responses?status=closed", headers=county).json()["total"] == 0
    notes = api.get("/api/v1/responses/notifications?unread=true", headers=city).json()
    assert notes["total"] == 2 and {n["response_id"] for n in notes["items"]} == {world["own"]}
    assert api.get("/api/v1/responses/notifications", headers=county).json()["total"] == 0
    first = api.get("/api/v1/responses/notifications?limit=1", headers=city).json()
    assert len(first["items"]) == 1 and first["next_offset"] == 1
