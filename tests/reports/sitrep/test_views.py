"""The page ``/sitrep``: the report in the page, links to its documents, a bad date."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.auth.factories import make_user
from tests.reports.sitrep.factories import DAY, outbreak
from tests.web.pages import log_in


def test_the_page_shows_the_report_in_both_languages(session: Session, client: TestClient) -> None:
    outbreak(session)
    make_user(session, "city", "epidemiologist", "C1")
    log_in(client, "city")
    english = client.get("/sitrep", params={"j": "C1", "date": DAY.isoformat(), "lang": "en"})
    assert english.status_code == 200
    assert "Daily situation report" in english.text and 'href="/sitrep"' in english.text
    assert f"/sitrep.pdf?j=C1&amp;date={DAY.isoformat()}&amp;lang=en" in english.text
    chinese = client.get("/sitrep", params={"j": "C1", "date": DAY.isoformat(), "lang": "zh"})
    assert "每日疫情通报" in chinese.text and "每日通报" in chinese.text
    html = client.get("/sitrep.html", params={"j": "C1", "date": DAY.isoformat(), "lang": "zh"})
    assert html.text.startswith("<!doctype html>") and "每日疫情通报" in html.text


def test_a_bad_date_is_said_next_to_the_field_and_kept(
    session: Session, client: TestClient
) -> None:
    outbreak(session)
    make_user(session, "county", "epidemiologist", "C1A")
    log_in(client, "county")
    page = client.get("/sitrep", params={"date": "2026-02-31", "lang": "en"})
    assert page.status_code == 422
    assert "Enter a date as YYYY-MM-DD." in page.text and 'value="2026-02-31"' in page.text
    assert client.get("/sitrep", params={"j": "C2B"}).status_code in (403, 404)
