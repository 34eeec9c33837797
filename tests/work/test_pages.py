"""The "My work" page and API per role, through the app: log-in lands there, items and
counts show, every link opens for that user, another county never shows."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.clock import FrozenClock
from tests.auth.factories import PASSWORD, bearer, make_user
from tests.places.factories import small_tree
from tests.web.pages import log_in
from tests.work.factories import NOW, county_day, swept, works_at

MARKER = "Zed"
USERS = {
    "investigator": ("inv", "C1A"),
    "lab": ("bench", "C1A"),
    "facility": ("desk", "C1A"),
    "epidemiologist": ("epi", "C1"),
    "admin": ("boss", "C1A"),
    "viewer": ("look", "C1A"),
}
TITLE_LINK = re.compile(r'class="kcard-title" href="([^"]+)"')
SEE_ALL = re.compile(r'href="([^"]+)" data-see-all="(\w+)"')
COUNT = re.compile(r'id="(\w+)-title">.*?data-total="(\d+)"')


@pytest.fixture
def world(session: Session, client: TestClient) -> dict[str, Any]:
    tree = small_tree(session)
    own = county_day(session, tree["C1A"], "Ann")
    county_day(session, tree["C2A"], MARKER)
    swept(session)
    users = {role: make_user(session, name, role, code) for role, (name, code) in USERS.items()}
    works_at(session, own, users["facility"].id)
    client.app.state.clock = FrozenClock(NOW)  # type: ignore[attr-defined]
    return {"own": own}


def links(text: str) -> list[str]:
    found = TITLE_LINK.findall(text) + [href for href, _ in SEE_ALL.findall(text)]
    return sorted({html.unescape(h) for h in found})


def test_log_in_lands_on_my_work(client: TestClient, world: dict[str, Any]) -> None:
    response = client.post(
        "/login", data={"username": "inv", "password": PASSWORD}, follow_redirects=False
    )
    assert response.headers["location"] == "/work"
    page = client.get("/work")
    assert page.status_code == 200
    nav = page.text.split('class="mainnav"', 1)[1]
    assert nav.index('href="/work"') < nav.index('href="/"')  # the first item of the menu


@pytest.mark.parametrize("role", ["investigator", "lab", "facility", "epidemiologist", "admin"])
def test_every_item_opens_for_its_user(
    client: TestClient, world: dict[str, Any], role: str
) -> None:
    log_in(client, USERS[role][0])
    text = client.get("/work").text
    assert MARKER not in text
    hrefs = links(text)
    assert len(hrefs) >= 2, hrefs
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200, (href, response.status_code)
        assert MARKER not in response.text, href


def test_investigator_page_counts_and_phones(client: TestClient, world: dict[str, Any]) -> None:
    log_in(client, "inv")
    text = client.get("/work?lang=zh").text
    counts = {key: int(n) for key, n in COUNT.findall(text.replace("\n", " "))}
    api = client.get("/api/v1/work", headers=bearer(client, "inv")).json()
    assert counts == {s["key"]: s["total"] for s in api["sections"]}
    assert counts["cases_to_interview"] == 2 and counts["lab_positives"] == 1
    assert 'href="tel:13800000000"' in text
    assert "我的工作" in text and "待流调病例" in text


def test_viewer_sees_figures_and_no_one(client: TestClient, world: dict[str, Any]) -> None:
    log_in(client, "look")
    text = client.get("/work").text
    assert "Ann " not in text and "kcard" not in text
    for href in [*links(text), "/surveillance/cases", "/response"]:
        assert client.get(href).status_code == 200


def test_section_page_lists_the_whole_section(client: TestClient, world: dict[str, Any]) -> None:
    log_in(client, "inv")
    first = client.get("/work/not_reporting")
    assert first.status_code == 200 and "Ann Silent" in first.text and MARKER not in first.text
    assert client.get("/work/not_reporting?page=abc").status_code == 200
    assert client.get("/work/samples_waiting").status_code == 404  # the lab's, not mine
    assert client.get("/work/nonsense").status_code == 404


def test_api_answers_sections_in_the_envelope(client: TestClient, world: dict[str, Any]) -> None:
    headers = bearer(client, "inv")
    body = client.get("/api/v1/work?limit=1", headers=headers).json()
    assert body["role"] == "investigator" and body["jurisdiction"] == "C1A"
    calls = next(s for s in body["sections"] if s["key"] == "contacts_to_call")
    assert set(calls) >= {"items", "total", "limit", "offset", "next_offset"}
    assert calls["limit"] == 1 and len(calls["items"]) == 1 and calls["next_offset"] == 1
    assert MARKER not in str(body)
    other = client.get("/api/v1/work?jurisdiction=C2A", headers=headers)
    assert other.status_code == 404
    assert client.get("/api/v1/work?limit=0", headers=headers).status_code == 422


def test_an_alert_opens_in_the_alert_list_alone(client: TestClient, world: dict[str, Any]) -> None:
    """The epidemiologist's alert card opens the alert list searched for that alert
    ("#12"), not the dashboard, where only the newest open alerts show."""
    log_in(client, "epi")
    alert_id = world["own"].alerts[0]
    href = next(h for h in links(client.get("/work").text) if "/surveillance/alerts" in h)
    assert href.endswith(f"q=%23{alert_id}")
    rows = re.findall(r'<tr[^>]* id="alert-(\d+)"', client.get(href).text)
    assert rows == [str(alert_id)]
