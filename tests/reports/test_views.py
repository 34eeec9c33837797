"""The overview page and the mechanism landing pages, in scope and in both languages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.places.models import Jurisdiction
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.web.pages import add_case, log_in, switcher_codes

MECHANISM_PAGES = (
    "/surveillance",
    "/response",
    "/investigation",
    "/testing",
    "/quarantine",
    "/care",
)


@pytest.fixture
def tree(session: Session) -> dict[str, Jurisdiction]:
    places = small_tree(session)
    today = date.today()
    add_case(session, places["C1A"], "confirmed", today)
    add_case(session, places["C1A"], "suspected", today - timedelta(days=1))
    add_case(session, places["C2B"], "confirmed", today - timedelta(days=2))
    session.commit()
    make_user(session, "province", "admin", "P")
    make_user(session, "county", "viewer", "C1A")
    return places


def test_dashboard_in_english_and_chinese(
    client: TestClient, tree: dict[str, Jurisdiction]
) -> None:
    log_in(client, "province")
    english = client.get("/").text
    assert "Situation overview" in english and "Place P" in english
    assert 'href="/?j=C1"' in english  # child rows drill down
    chinese = client.get("/?lang=zh")
    assert "疫情概览" in chinese.text and "地区P" in chinese.text and "监测预警" in chinese.text
    assert 'lang="zh-CN"' in chinese.text
    assert client.cookies["fireline_lang"] == "zh"
    assert "疫情概览" in client.get("/").text  # the choice is remembered


def test_county_switcher_lists_only_its_county(
    client: TestClient, tree: dict[str, Jurisdiction]
) -> None:
    log_in(client, "county")
    assert switcher_codes(client.get("/").text) == ["C1A"]


def test_province_switcher_is_in_tree_order(
    client: TestClient, tree: dict[str, Jurisdiction]
) -> None:
    log_in(client, "province")
    assert switcher_codes(client.get("/").text) == ["P", "C1", "C1A", "C1B", "C2", "C2A", "C2B"]


def test_switching_out_of_scope_is_refused(
    client: TestClient, tree: dict[str, Jurisdiction]
) -> None:
    log_in(client, "county")
    response = client.get("/?j=C2A")
    assert response.status_code == 404
    assert "fireline_jurisdiction" not in client.cookies
    # A cookie naming a place outside the scope is ignored, never obeyed.
    client.cookies.set("fireline_jurisdiction", "P")
    page = client.get("/")
    assert page.status_code == 200 and "Place C1A" in page.text and "Place P" not in page.text


def test_drilling_down_switches_jurisdiction(
    client: TestClient, tree: dict[str, Jurisdiction]
) -> None:
    log_in(client, "province")
    assert client.get("/?j=C1").status_code == 200
    assert client.cookies["fireline_jurisdiction"] == "C1"
    html = client.get("/surveillance").text
    assert '<option value="C1" selected>' in html
    assert 'href="/?j=P"' in client.get("/").text  # the breadcrumb drills back up


def test_epicurve_data_is_grouped_and_scoped(
    client: TestClient, tree: dict[str, Jurisdiction]
) -> None:
    log_in(client, "county")
    rows = client.get("/epicurve.json").json()
    assert sorted((r["classification"], r["cases"]) for r in rows) == [
        ("confirmed", 1),
        ("suspected", 1),
    ]
    log_in(client, "province")
    rows = client.get("/epicurve.json?j=P&lang=zh").json()
    assert sum(r["cases"] for r in rows) == 3
    assert {r["label"] for r in rows} == {"确诊", "疑似"}


@pytest.mark.parametrize("path", MECHANISM_PAGES)
def test_mechanism_pages_render_in_both_languages(
    client: TestClient, tree: dict[str, Jurisdiction], path: str
) -> None:
    log_in(client, "province")
    assert client.get(path).status_code == 200
    chinese = client.get(path + "?lang=zh")
    assert chinese.status_code == 200 and "辖区" in chinese.text


def test_surveillance_page_shows_only_cases_in_scope(
    client: TestClient, tree: dict[str, Jurisdiction]
) -> None:
    log_in(client, "county")
    html = client.get("/surveillance").text
    assert "Place C1A" in html and "Place C2B" not in html
    assert "Test Person" not in html  # no personal data on landing pages
