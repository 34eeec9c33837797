"""The case list (filters, sort, search, paging, export), the case page, edits and
classification changes, and the new-case form."""

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
from fireline.surveillance.models import Case
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
        data["cases"]["ann2"].id]
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
    assert list(rows[0])[:9] == ["id", "date_onset", "date_reporting", "date_outcome", "gender",
                                 "age", "location", "outcome", "classification"]
    assert {r["name"] for r in rows} == {"张三", "李四"} and rows[0]["location"] == "C1A"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    detail: dict[str, Any] = event.detail
    assert detail["names"] is True and len(detail["persons"]) == 2
    log_in(client, "viewer")
    plain = client.get("/surveillance/cases.csv?names=1").text
    assert "张三" not in plain and "name" not in plain.splitlines()[0].split(",")


def test_case_page_is_scoped(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "bob")
    response = client.get(f"/surveillance/cases/{data['cases']['ann1'].id}")
    assert response.status_code == 404 and "Not found" in response.text
    log_in(client, "ann")
    page = client.get(f"/surveillance/cases/{data['cases']['ann1'].id}?lang=zh")
    assert page.status_code == 200 and "分类订正记录" in page.text and "张三" in page.text


def edit(client: TestClient, case: Case, csrf: str | None, **changes: Any) -> Any:
    form = {"version": case.version, "date_reporting": case.date_reporting.isoformat(),
            "date_onset": "", "jurisdiction_code": "C1A", **changes}
    if csrf:
        form["csrf_token"] = csrf
    return client.post(f"/surveillance/cases/{case.id}", data=form, follow_redirects=False)


def test_edit_with_version_and_conflict(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    case = data["cases"]["ann1"]
    assert edit(client, case, None, outcome="recovered").status_code == 403
    saved = edit(client, case, csrf, outcome="recovered")
    assert saved.status_code == 303
    session.refresh(case)
    assert case.outcome == "recovered" and case.version == 2
    stale = edit(client, case, csrf, version=1, outcome="died")
    assert stale.status_code == 409 and "Someone else changed this case" in stale.text
    session.refresh(case)
    assert case.outcome == "recovered"  # never silently overwritten
    late = (case.date_reporting + timedelta(days=3)).isoformat()
    bad = edit(client, case, csrf, date_onset=late)
    assert bad.status_code == 422 and "onset date is after" in bad.text
    far = edit(client, case, csrf, date_onset="2999-01-01")
    assert far.status_code == 422 and "Date of onset must lie between 1900 and 2100" in far.text


def test_classification_buttons_follow_the_profile(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    case = data["cases"]["ann2"]  # suspected: may become probable, confirmed, discarded
    html = client.get(f"/surveillance/cases/{case.id}").text
    assert set(re.findall(r'name="to" value="(\w+)"', html)) == {
        "probable", "confirmed", "discarded"}
    form = {"to": "confirmed", "version": case.version, "reason": "PCR Ct 24",
            "csrf_token": csrf}
    moved = client.post(f"/surveillance/cases/{case.id}/classification", data=form)
    assert moved.status_code == 200 and "PCR Ct 24" in moved.text
    session.refresh(case)
    assert case.classification == "confirmed"
    stale = client.post(f"/surveillance/cases/{case.id}/classification", data=form)
    assert stale.status_code == 409 and "Someone else changed this case" in stale.text


def test_new_case_reports_and_says_when_a_match_is_proposed(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    assert "新增病例" in client.get("/surveillance/cases/new?lang=zh").text
    form = {"csrf_token": csrf, "disease": "covid19", "jurisdiction_code": "C1A",
            "classification": "suspected", "date_reporting": date.today().isoformat(),
            "name": "赵六", "birth_date": "1990-01-01", "phone": "13900000009"}
    created = client.post("/surveillance/cases/new", data=form)
    assert created.status_code == 200 and "该人员可能已有档案" in created.text
    missing = client.post("/surveillance/cases/new", data={**form, "name": ""})
    assert missing.status_code == 422 and "姓名为必填项" in missing.text
    log_in(client, "viewer")
    assert client.get("/surveillance/cases/new").status_code == 403


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Date of report must lie between 1900 and 2100."),
        ("zh", "报告日期须在 1900 年至 2100 年之间。"),
    ],
)
def test_a_report_date_outside_1900_to_2100_is_refused_in_words_and_keeps_the_form(
    client: TestClient, data: dict[str, Any], session: Session, language: str, message: str
) -> None:
    csrf = log_in(client, "ann")
    form = {"csrf_token": csrf, "disease": "covid19", "jurisdiction_code": "C1A",
            "classification": "suspected", "date_reporting": "2300-01-01",
            "name": "Ann Typed", "phone": "13900000001"}  # fmt: skip
    before = len(session.scalars(select(Case.id)).all())
    refused = client.post(f"/surveillance/cases/new?lang={language}", data=form)
    assert refused.status_code == 422
    assert message in refused.text and "Value error" not in refused.text
    assert 'value="Ann Typed"' in refused.text and 'value="2300-01-01"' in refused.text
    assert len(session.scalars(select(Case.id)).all()) == before
