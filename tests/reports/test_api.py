"""The overview's figures as JSON: the summary and the breakdown by child jurisdiction."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.web.pages import add_case


def test_the_breakdown_answers_with_the_envelope_in_scope(
    session: Session, client: TestClient
) -> None:
    tree = small_tree(session)
    add_case(session, tree["C1A"], "confirmed", date(2026, 3, 1))
    add_case(session, tree["C2A"], "confirmed", date(2026, 3, 1))
    session.commit()
    make_user(session, "city", "epidemiologist", "C1")
    headers = bearer(client, "city")
    body = client.get("/api/v1/jurisdictions/C1/breakdown?limit=1", headers=headers).json()
    assert set(body) == {
        "items",
        "total",
        "total_exact",
        "limit",
        "offset",
        "next_offset",
        "next_cursor",
    }
    assert [(c["code"], c["confirmed"]) for c in body["items"]] == [("C1A", 1)]
    assert (body["total"], body["next_offset"]) == (2, 1)
    assert client.get("/api/v1/jurisdictions/P/breakdown", headers=headers).status_code == 404
    summary = client.get("/api/v1/jurisdictions/C1/summary?today=2026-03-03", headers=headers)
    assert summary.json()["cases_last_7_days"] == 1


def test_a_summary_too_slow_to_count_live_is_remembered_with_its_time(
    session: Session, app_factory: Any
) -> None:
    """Every summary counted as slow: the second answer is the first one's snapshot,
    with its time, though a case came in between; another day is counted anew."""
    tree = small_tree(session)
    add_case(session, tree["C1A"], "confirmed", date(2026, 3, 1))
    session.commit()
    make_user(session, "city", "epidemiologist", "C1")
    with TestClient(app_factory(snapshot_after_s=0)) as client:
        headers = bearer(client, "city")
        url = "/api/v1/jurisdictions/C1/summary?today=2026-03-03"
        first = client.get(url, headers=headers).json()
        add_case(session, tree["C1B"], "confirmed", date(2026, 3, 2))
        session.commit()
        second = client.get(url, headers=headers).json()
        assert first["as_of"] is None and second["as_of"] is not None
        assert first["cases_last_7_days"] == second["cases_last_7_days"] == 1
        other_day = client.get(url.replace("03-03", "03-04"), headers=headers).json()
        assert other_day["cases_last_7_days"] == 2 and other_day["as_of"] is None
        assert client.get("/api/v1/jurisdictions/C2/summary", headers=headers).status_code == 404
        page = client.get("/?j=C1&lang=zh")
        assert page.status_code == 200
