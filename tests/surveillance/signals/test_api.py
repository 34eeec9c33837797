from __future__ import annotations

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
