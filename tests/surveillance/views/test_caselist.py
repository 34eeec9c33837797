"""The case list page (filters, sort, search, paging) and its CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from tests.surveillance.views.factories import world
from tests.web.pages import log_in


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    return world(session)


def case_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/surveillance/cases/(\d+)"', html)]


def test_list_in_both_languages_with_names_for_investigators(
    client: TestClient, data: dict[str, Any]
) -> None:
    log_in(client, "ann")
    html = client.get("/surveillance/cases").text
    assert "张三" in html and "王五" not in html  # bob's county is out of scope
    assert "Cases found: 2" in html
    assert "共 2 例" in client.get("/surveillance/cases?lang=zh").text


def test_viewer_sees_no_personal_data_and_cannot_search_names(
    client: TestClient, data: dict[str, Any]
) -> None:
    log_in(client, "viewer")
    html = client.get("/surveillance/cases").text
    assert "EXT-1" in html and "张三" not in html
    assert "Cases found: 0" in client.get("/surveillance/cases?q=张三").text
    assert "Cases found: 1" in client.get("/surveillance/cases?q=EXT-2").text
    page = client.get(f"/surveillance/cases/{data['cases']['ann1'].id}").text
    assert "张三" not in page and "Personal data are not shown" in page


def test_filters_sort_and_paging(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "prov")
    total = client.get("/surveillance/cases").text
    assert "Cases found: 133" in total and "Page 1 of 3" in total
    assert len(case_ids(total)) == 50
    assert len(case_ids(client.get("/surveillance/cases?page=3").text)) == 33
    suspected = client.get("/surveillance/cases?classification=suspected").text
    assert case_ids(suspected) == [data["cases"]["ann2"].id]
    assert case_ids(client.get("/surveillance/cases?imported=yes").text) == [
        data["cases"]["ann2"].id
    ]
    area = client.get("/surveillance/cases?area=C2").text
    assert case_ids(area) == [data["cases"]["bob1"].id]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    ranged = client.get(f"/surveillance/cases?reported_from={yesterday}&area=C1&q=李").text
    assert case_ids(ranged) == [data["cases"]["ann2"].id]
    by_onset = case_ids(client.get("/surveillance/cases?sort=onset&order=desc&area=C1A").text)
    assert by_onset == [data["cases"]["ann1"].id, data["cases"]["ann2"].id]  # no onset last
    assert client.get("/surveillance/cases?area=C2A&j=C1").status_code == 404


def test_export_uses_linelist_names_and_is_audited(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    log_in(client, "ann")
    response = client.get("/surveillance/cases.csv?names=1")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert list(rows[0])[:9] == [
        "id",
        "date_onset",
        "date_reporting",
        "date_outcome",
        "gender",
        "age",
        "location",
        "outcome",
        "classification",
    ]
    assert {r["name"] for r in rows} == {"张三", "李四"} and rows[0]["location"] == "C1A"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    detail: dict[str, Any] = event.detail
    assert detail["names"] is True and len(detail["persons"]) == 2
    log_in(client, "viewer")
    plain = client.get("/surveillance/cases.csv?names=1").text
    assert "张三" not in plain and "name" not in plain.splitlines()[0].split(",")


def test_next_follows_the_cursor_and_walks_every_case_once(
    client: TestClient, data: dict[str, Any]
) -> None:
    log_in(client, "prov")
    seen: list[int] = []
    address = "/surveillance/cases?sort=onset&order=asc"
    for number in (1, 2, 3):
        html = client.get(address).text
        assert f"Page {number} of 3" in html
        seen += case_ids(html)
        found = re.search(r'href="([^"]*)" rel="next"', html)
        if number < 3:
            assert found is not None and "after=" in found.group(1)
            address = "/surveillance/cases" + found.group(1).replace("&amp;", "&")
        else:
            assert found is None
    assert len(seen) == len(set(seen)) == 133
    damaged = client.get("/surveillance/cases?page=2&after=damaged")  # the page number's page
    assert damaged.status_code == 200 and "Page 2 of 3" in damaged.text


def test_a_total_beyond_the_cap_is_said_to_be_estimated(
    client: TestClient, data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fireline.pagination.COUNT_CAP", 100)  # 133 cases: beyond it
    log_in(client, "prov")
    english = client.get("/surveillance/cases").text
    chinese = client.get("/surveillance/cases?lang=zh").text
    if "Cases found: about" in english:  # PostgreSQL: the planner's estimate
        assert re.search(r"Page 1 of about [\d,]+", english)
        assert "共 约 " in chinese and re.search(r"第 1 页，约 [\d,]+ 页", chinese)
    else:  # SQLite gives no estimate
        assert "Cases found: more than 100" in english and "Page 1 of more than 2" in english
        assert "共 超过 100 例" in chinese and "第 1 页，超过 2 页" in chinese
    assert 'rel="next"' in english


def test_a_page_past_the_end_offers_the_last_page(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "prov")
    english = client.get("/surveillance/cases?page=99").text
    assert case_ids(english) == [] and "Showing" not in english
    assert '<a class="button small secondary" href="?page=3">Last page</a>' in english
    assert "最后一页" in client.get("/surveillance/cases?page=99&lang=zh").text
