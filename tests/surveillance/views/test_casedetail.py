"""The case page: scope, edits with a version, classification changes."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.surveillance.models import Case
from tests.surveillance.views.factories import world
from tests.web.pages import log_in


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    return world(session)


def test_case_page_is_scoped(client: TestClient, data: dict[str, Any]) -> None:
    log_in(client, "bob")
    response = client.get(f"/surveillance/cases/{data['cases']['ann1'].id}")
    assert response.status_code == 404 and "Not found" in response.text
    log_in(client, "ann")
    page = client.get(f"/surveillance/cases/{data['cases']['ann1'].id}?lang=zh")
    assert page.status_code == 200 and "分类订正记录" in page.text and "张三" in page.text


def edit(client: TestClient, case: Case, csrf: str | None, **changes: Any) -> Any:
    form = {
        "version": case.version,
        "date_reporting": case.date_reporting.isoformat(),
        "date_onset": "",
        "jurisdiction_code": "C1A",
        **changes,
    }
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
    reported, late = case.date_reporting - timedelta(days=5), case.date_reporting - timedelta(2)
    bad = edit(client, case, csrf, date_reporting=reported.isoformat(), date_onset=late.isoformat())
    assert bad.status_code == 422 and "onset date is after" in bad.text
    # The world reports ann1 today: an onset three days on is in the future, and said so.
    future = (case.date_reporting + timedelta(days=3)).isoformat()
    ahead = edit(client, case, csrf, date_onset=future)
    assert ahead.status_code == 422 and "Date of onset is after today" in ahead.text
    assert "after the report date" not in ahead.text
    assert f'id="date_onset" name="date_onset" value="{future}"' in ahead.text  # kept as typed
    far = edit(client, case, csrf, date_onset="2999-01-01")
    assert far.status_code == 422 and "Date of onset must lie between 1900 and 2100" in far.text


def test_classification_buttons_follow_the_profile(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    case = data["cases"]["ann2"]  # suspected: may become probable, confirmed, discarded
    html = client.get(f"/surveillance/cases/{case.id}").text
    assert set(re.findall(r'name="to" value="(\w+)"', html)) == {
        "probable",
        "confirmed",
        "discarded",
    }
    form = {"to": "confirmed", "version": case.version, "reason": "PCR Ct 24", "csrf_token": csrf}
    moved = client.post(f"/surveillance/cases/{case.id}/classification", data=form)
    assert moved.status_code == 200 and "PCR Ct 24" in moved.text
    session.refresh(case)
    assert case.classification == "confirmed"
    stale = client.post(f"/surveillance/cases/{case.id}/classification", data=form)
    assert stale.status_code == 409 and "Someone else changed this case" in stale.text
