from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import make_alert


def test_list_and_decide_with_versions(session: Session, client: TestClient) -> None:
    tree = small_tree(session)
    alert = make_alert(session, tree["C1A"])
    make_alert(session, tree["C2A"])
    session.commit()
    make_user(session, "epi", "epidemiologist", "C1")
    headers = bearer(client, "epi")
    page = client.get("/api/v1/alerts?status=open", headers=headers).json()
    assert [a["id"] for a in page["items"]] == [alert.id]
    url = f"/api/v1/alerts/{alert.id}/decision"
    no_reason = client.post(url, json={"action": "dismiss", "version": 1}, headers=headers)
    assert no_reason.status_code == 422
    done = client.post(
        url, json={"action": "dismiss", "reason": "cluster known", "version": 1}, headers=headers
    )
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    stale = client.post(url, json={"action": "acknowledge", "version": 1}, headers=headers)
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"


def test_viewer_cannot_decide(session: Session, client: TestClient) -> None:
    tree = small_tree(session)
    alert = make_alert(session, tree["C1A"])
    session.commit()
    make_user(session, "vic", "viewer", "C1A")
    response = client.post(
        f"/api/v1/alerts/{alert.id}/decision",
        json={"action": "acknowledge", "version": 1},
        headers=bearer(client, "vic"),
    )
    assert response.status_code == 403


def test_the_list_pages_filters_and_refuses_bad_dates(session: Session, client: TestClient) -> None:
    tree = small_tree(session)
    day = date(2026, 3, 31)
    made = [make_alert(session, tree["C1A"], day - timedelta(days=i)) for i in range(5)]
    made[0].method, made[0].threshold, made[0].threshold_note = "ears-c3", None, "any-count"
    made[1].method, made[1].threshold = "farrington", 17
    made[4].status = "dismissed"
    make_alert(session, tree["C2A"], day)
    session.commit()
    make_user(session, "epi", "epidemiologist", "C1")
    headers = bearer(client, "epi")
    first = client.get("/api/v1/alerts?limit=2", headers=headers).json()
    assert first["total"] == 5 and first["next_offset"] == 2  # C2A is out of scope
    assert [a["id"] for a in first["items"]] == [made[0].id, made[1].id]
    assert first["items"][0]["threshold"] is None
    assert first["items"][0]["threshold_note"] == "any-count"
    assert first["items"][0]["jurisdiction_code"] == "C1A"
    last = client.get("/api/v1/alerts?limit=2&offset=4", headers=headers).json()
    assert [a["id"] for a in last["items"]] == [made[4].id] and last["next_offset"] is None

    def ids(params: str) -> list[int]:
        return [
            a["id"] for a in client.get(f"/api/v1/alerts?{params}", headers=headers).json()["items"]
        ]

    assert ids("method=farrington") == [made[1].id]
    assert ids("status=closed") == [made[4].id]
    assert ids("status=open&signal_from=2026-03-29&signal_to=2026-03-30") == [
        made[1].id,
        made[2].id,
    ]
    assert ids("sort=newest&order=asc&status=all")[0] == made[4].id
    bad = client.get("/api/v1/alerts?signal_from=2026-02-30", headers=headers)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    backwards = client.get(
        "/api/v1/alerts?signal_from=2026-03-30&signal_to=2026-03-01", headers=headers
    )
    assert backwards.status_code == 422
    assert client.get("/api/v1/alerts?jurisdiction=C2", headers=headers).status_code == 404
