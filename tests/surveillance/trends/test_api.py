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


def test_the_epicurve_and_the_weeks_answer_in_pages(session: Session, client: TestClient) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], date(2026, 3, 31), [1] * 10)
    add_daily_cases(session, tree["C2A"], date(2026, 3, 31), [5] * 10)
    session.commit()
    make_user(session, "epi", "epidemiologist", "C1")
    headers = bearer(client, "epi")
    query = "?disease=covid19&start=2026-03-01&end=2026-03-31"
    first = client.get(f"/api/v1/jurisdictions/C1/epicurve{query}&limit=4", headers=headers)
    body = first.json()
    assert set(body) == {
        "items",
        "total",
        "total_exact",
        "limit",
        "offset",
        "next_offset",
        "next_cursor",
    }
    assert (body["total"], body["next_offset"], len(body["items"])) == (10, 4, 4)
    assert {r["cases"] for r in body["items"]} == {1}  # the other city's cases are not counted
    last = client.get(f"/api/v1/jurisdictions/C1/epicurve{query}&offset=8", headers=headers)
    assert [r["date"] for r in last.json()["items"]] == ["2026-03-30", "2026-03-31"]
    weeks = client.get(f"/api/v1/jurisdictions/C1/weekly{query}", headers=headers).json()
    assert [(w["week"], w["cases"]) for w in weeks["items"]] == [
        ("2026-W12", 1),
        ("2026-W13", 7),
        ("2026-W14", 2),
    ]
    assert weeks["total"] == 3 and weeks["next_offset"] is None
    outside = client.get(f"/api/v1/jurisdictions/C2/weekly{query}", headers=headers)
    assert outside.status_code == 404
