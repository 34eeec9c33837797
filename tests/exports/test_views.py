"""The exports page: who sees it, the line-list and DHIS2 downloads, a refused field
shown next to the field with what was typed kept, both languages, the case list's link."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.exports.factories import world
from tests.web.pages import log_in


def test_the_page_downloads_and_refusals(session: Session, client: TestClient) -> None:
    world(session, client)
    client.cookies.clear()
    log_in(client, "epi")
    page = client.get("/exports")
    assert page.status_code == 200
    assert 'id="linelist-form"' in page.text and 'id="dhis2-form"' in page.text
    assert "/api/v1/fhir/$export" in page.text
    got = client.get(
        "/exports?download=linelist&format=csv&key=province-cdc&classification=confirmed"
    )
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "linelist-C1A-province-cdc.csv" in got.headers["content-disposition"]
    lines = got.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 3 and "Zhang San" not in got.text
    refused = client.get("/exports?download=linelist&format=csv&key=bad key!&disease=covid19")
    assert refused.status_code == 422
    assert 'id="key-error"' in refused.text and 'value="bad key!"' in refused.text
    assert '<option value="covid19" selected>' in refused.text
    week = client.get("/exports/dhis2.json?week=2026W49")
    assert week.status_code == 200 and json.loads(week.text)["period"] == "2026W49"
    bad_week = client.get("/exports/dhis2.json?week=next")
    assert bad_week.status_code == 422 and 'id="week-error"' in bad_week.text
    assert 'value="next"' in bad_week.text
    chinese = client.get("/exports?lang=zh")
    assert "假名化病例一览表" in chinese.text and "Pseudonymised line list" not in chinese.text
    assert "/exports?" in client.get("/surveillance/cases").text


def test_roles_that_may_not_export_see_neither_page_nor_link(
    session: Session, client: TestClient
) -> None:
    world(session, client)
    client.cookies.clear()
    log_in(client, "inv")
    assert client.get("/exports").status_code == 403
    assert client.get("/exports?download=linelist&key=x").status_code == 403
    assert "/exports?" not in client.get("/surveillance/cases").text
