from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases


def test_trend_endpoints_answer_for_own_subtree(session: Session, client: TestClient) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], date(2026, 3, 31), [3] * 30, onset_lag=2)
    session.commit()
    make_user(session, "epi", "epidemiologist", "C1")
    headers = bearer(client, "epi")
    query = "?disease=covid19&start=2026-03-01&end=2026-03-31"
    for part in ("epicurve", "weekly", "rt", "growth", "delays"):
        response = client.get(f"/api/v1/jurisdictions/C1A/{part}{query}", headers=headers)
        assert response.status_code == 200, (part, response.text)
    rt = client.get(f"/api/v1/jurisdictions/C1/rt{query}", headers=headers).json()
    assert rt["windows"] and rt["dated_by"] == "onset"


def test_bad_period_is_422(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "epi", "epidemiologist", "C1")
    response = client.get(
        "/api/v1/jurisdictions/C1/epicurve?start=2026-03-31&end=2026-03-01",
        headers=bearer(client, "epi"),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "start is after end"
