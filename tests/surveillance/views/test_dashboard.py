"""The surveillance dashboard and the alert decisions, in scope and in both languages."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.surveillance.views.factories import world
from tests.web.pages import log_in


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    return world(session)


def spec(html: str, name: str) -> dict[str, Any]:
    found = re.search(
        rf'<script type="application/json" id="{name}-spec">(.*?)</script>', html, re.S
    )
    assert found, f"no {name} chart"
    result: dict[str, Any] = json.loads(found.group(1))
    return result


def test_dashboard_renders_in_both_languages(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "prov")
    english = client.get("/surveillance?days=28")
    assert english.status_code == 200
    assert "Surveillance dashboard" in english.text and "Open alerts" in english.text
    chinese = client.get("/surveillance?lang=zh").text
    assert "监测预警看板" in chinese and "流行曲线" in chinese and "实时再生数 Rt" in chinese


def test_charts_carry_the_figures(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "prov")
    html = client.get("/surveillance?j=C1&days=28").text
    epicurve = spec(html, "epicurve")
    assert sum(v["cases"] for v in epicurve["data"]["values"]) == 2 + 2 * 65
    rt = spec(html, "rt")
    kinds = [layer["mark"]["type"] for layer in rt["layer"]]
    assert {"area", "line", "rule"} <= set(kinds)
    assert 'data-href="/surveillance?j=C1B' in html  # the child rows drill down
    mapped = spec(html, "map")
    assert {v["name"] for v in mapped["data"]["values"]} == {"Place C1A", "Place C1B"}
    assert all(v["href"].startswith("/surveillance?j=") for v in mapped["data"]["values"])


def test_county_sees_only_its_county(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "bob")
    html = client.get("/surveillance").text
    assert "Place C2A" in html and "Place C1A" not in html
    assert f'id="alert-{data["alert"].id}"' not in html  # the alert is in C1A
    assert client.get("/surveillance?j=C1A").status_code == 404


def decide(client: TestClient, alert_id: int, csrf: str | None, **form: Any) -> Any:
    headers = {"HX-Request": "true"}
    if csrf:
        form["csrf_token"] = csrf
    return client.post(f"/surveillance/alerts/{alert_id}/decision", data=form, headers=headers)


def test_acknowledge_dismiss_and_conflict(client: TestClient, data: dict[str, Any]) -> None:
    csrf = log_in(client, "ann")
    alert = data["alert"]
    assert f'id="alert-{alert.id}"' in client.get("/surveillance").text
    missing = decide(client, alert.id, csrf, action="dismiss", version=alert.version)
    assert missing.status_code == 422 and "Give a reason" in missing.text
    done = decide(client, alert.id, csrf, action="acknowledge", version=alert.version)
    assert done.status_code == 200 and "Acknowledged" in done.text
    stale = decide(client, alert.id, csrf, action="dismiss", reason="noise", version=alert.version)
    assert stale.status_code == 409 and "Someone else decided" in stale.text
    assert "Acknowledged" in stale.text  # the current state is shown


def test_decision_needs_csrf_and_scope(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "ann")
    refused = decide(client, data["alert"].id, None, action="acknowledge", version=1)
    assert refused.status_code == 403
    csrf = log_in(client, "bob")
    assert (
        decide(client, data["alert"].id, csrf, action="acknowledge", version=1).status_code == 404
    )


def test_viewer_may_not_decide(client: TestClient, data: dict[str, Any]) -> None:
    csrf = log_in(client, "viewer")
    html = client.get("/surveillance").text
    assert 'name="action"' not in html
    response = decide(client, data["alert"].id, csrf, action="acknowledge", version=1)
    assert response.status_code == 403
