"""The alert list page: paged, filtered without JavaScript (values kept), scoped, and
every threshold shown as a number or as the reason there is none."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.surveillance.signals.models import Alert
from tests.surveillance.signals.factories import make_alert
from tests.surveillance.views.factories import world
from tests.web.pages import log_in


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    """The world's one alert (C1A, today), 29 more open ones in C1B on earlier days,
    a dismissed one in C2A, a Farrington week and two alerts without a threshold."""
    found = world(session)
    tree, today = found["tree"], found["alert"].signal_date
    for back in range(1, 30):
        make_alert(session, tree["C1B"], today - timedelta(days=back))
    dismissed = make_alert(session, tree["C2A"], today - timedelta(days=3))
    dismissed.status, dismissed.reason = "dismissed", "reporting backlog"
    weekly = make_alert(session, tree["C2A"], today - timedelta(days=1))
    weekly.method, weekly.observed, weekly.expected, weekly.threshold = "farrington", 41, 9.6, 17
    carried = make_alert(session, tree["C1A"], today - timedelta(days=1))
    carried.method, carried.threshold, carried.threshold_note = "ears-c3", None, "any-count"
    old = make_alert(session, tree["C1A"], today - timedelta(days=2))
    old.threshold, old.threshold_note = None, "not-recorded"
    session.commit()
    return {**found, "today": today, "weekly": weekly, "dismissed": dismissed}


def alert_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="alert-(\d+)"', html)]


def test_pages_filters_and_scope(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "prov")
    first = client.get("/surveillance/alerts").text
    assert "Alerts found: 33" in first and "Page 1 of 2" in first  # open ones, by default
    assert len(alert_ids(first)) == 25 and alert_ids(first)[0] == data["alert"].id
    second = client.get("/surveillance/alerts?page=2").text
    assert len(alert_ids(second)) == 8 and not set(alert_ids(first)) & set(alert_ids(second))
    closed = client.get("/surveillance/alerts?status=closed").text
    assert alert_ids(closed) == [data["dismissed"].id] and "reporting backlog" in closed
    assert "Alerts found: 34" in client.get("/surveillance/alerts?status=all").text
    weekly = client.get("/surveillance/alerts?method=farrington").text
    assert alert_ids(weekly) == [data["weekly"].id] and "week ending" in weekly
    assert '<option value="farrington" selected>' in weekly  # the filter keeps its value
    day = data["today"] - timedelta(days=2)
    ranged = client.get(f"/surveillance/alerts?signal_from={day}&signal_to={day}").text
    assert len(alert_ids(ranged)) == 2 and f'value="{day}"' in ranged
    by_place = client.get("/surveillance/alerts?jurisdiction=C2").text
    assert alert_ids(by_place) == [data["weekly"].id]
    log_in(client, "ann")  # an investigator of C1A sees C1A's alerts only
    assert "Alerts found: 3" in client.get("/surveillance/alerts").text


def test_thresholds_say_why_they_are_missing(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "prov")
    html = client.get("/surveillance/alerts?jurisdiction=C1A").text
    assert "Any count" in html and "Not recorded" in html and "0.00" not in html
    zh = client.get("/surveillance/alerts?jurisdiction=C1A&lang=zh").text
    assert "Any count" not in zh and "Not recorded" not in zh


def test_a_bad_date_is_kept_with_a_message_and_filters_nothing(
    client: TestClient, data: dict[str, Any]
) -> None:
    log_in(client, "prov")
    html = client.get("/surveillance/alerts?signal_from=2026-02-30&method=ears-c2").text
    assert 'value="2026-02-30"' in html and 'aria-invalid="true"' in html
    assert "Enter a date as YYYY-MM-DD." in html and "Alerts found: 31" in html
    backwards = client.get("/surveillance/alerts?signal_from=2026-03-02&signal_to=2026-03-01")
    assert "This date is before the first date." in backwards.text


def test_a_decision_returns_to_the_filtered_list(
    client: TestClient, session: Session, data: dict[str, Any]
) -> None:
    token = log_in(client, "prov")
    alert = data["alert"]
    response = client.post(
        f"/surveillance/alerts/{alert.id}/decision",
        data={
            "csrf_token": token,
            "action": "acknowledge",
            "version": alert.version,
            "back": "?method=ears-c2&page=2",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/surveillance/alerts?method=ears-c2&page=2#alert-{alert.id}"
    )
    session.expire_all()
    assert session.get(Alert, alert.id).status == "acknowledged"  # type: ignore[union-attr]
    elsewhere = client.post(
        f"/surveillance/alerts/{data['weekly'].id}/decision",
        data={
            "csrf_token": token,
            "action": "acknowledge",
            "version": data["weekly"].version,
            "back": "//evil",
        },
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/surveillance#alerts"
