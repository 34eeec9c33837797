"""The report through the API: its figures as JSON, and the PDF holding the same figures."""

from __future__ import annotations

import io
import re
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.clock import SystemClock
from fireline.context import Context
from fireline.reports.sitrep import service
from fireline.settings import Settings
from tests.auth.factories import bearer, make_user
from tests.places.factories import by_code
from tests.reports.sitrep.factories import DAY, outbreak

URL = "/api/v1/jurisdictions/{code}/sitrep"
KEYS = ("campaign_id", "zone_id", "kind")


def _item(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """A list item named in a figure's path: by its place's code, or its id or kind."""
    for item in items:
        named = [str(item[k]) for k in KEYS if k in item]
        if "place" in item and "campaign_id" not in item:
            named.append(item["place"]["code"])
        if name in named:
            return item
    raise AssertionError(f"no item {name}")


def _resolve(body: dict[str, Any], path: str) -> Any:
    value: Any = body
    for part in path.split("."):
        value = _item(value, part) if isinstance(value, list) else value[part]
    return value


def _written(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _figures_table(pdf: bytes, names: set[str]) -> dict[str, str]:
    """(path, value) pairs of the PDF's figures table, from its extracted text: lines
    of a path starting with one of the JSON answer's ``names``, then one value."""
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    found = re.findall(r"^([a-z_]+(?:\.[A-Za-z0-9_]+)*)\s+(\S+)\s*$", text, re.MULTILINE)
    return {path: value for path, value in found if path.split(".")[0] in names}


def test_every_figure_in_the_pdf_equals_the_api(session: Session, client: TestClient) -> None:
    outbreak(session)
    make_user(session, "province", "epidemiologist", "P")
    headers = bearer(client, "province")
    body = client.get(URL.format(code="P"), params={"date": DAY.isoformat()}, headers=headers)
    assert body.status_code == 200, body.text
    figures = body.json()
    assert (figures["new_cases"], figures["cumulative_cases"]) == (2, 84)
    pdf = client.get(
        URL.format(code="P") + ".pdf",
        params={"date": DAY.isoformat(), "lang": "zh"},
        headers=headers,
    )
    assert pdf.headers["content-type"] == "application/pdf"
    annotations: Any = PdfReader(io.BytesIO(pdf.content)).pages[0]["/Annots"]
    links = [a.get_object()["/A"]["/URI"] for a in annotations]
    assert "http://testserver/surveillance?j=P&disease=covid19&days=28" in links
    table = _figures_table(pdf.content, set(figures))
    # The headline figures, the children's, Rt, alerts and the follow-up are all there.
    assert {"new_cases", "cumulative_cases", "report_date", "rt.mean", "rt.window_end"} <= set(
        table
    )
    assert {"children.C1.new", "children.C2.cumulative", "alerts.opened"} <= set(table)
    assert {"follow_up.under_follow_up", "growth.cases_in_window"} <= set(table)
    assert len(table) >= 30
    for path, value in table.items():
        assert value == _written(_resolve(figures, path)), path
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "每日疫情通报" in text
    assert f"新报告病例{figures['new_cases']}例" in text.replace(" ", "")
    assert f"累计{figures['cumulative_cases']}例" in text.replace(" ", "")


def test_bad_dates_and_places_are_problems(session: Session, client: TestClient) -> None:
    outbreak(session)
    make_user(session, "county", "epidemiologist", "C1A")
    headers = bearer(client, "county")
    bad = client.get(URL.format(code="C1A"), params={"date": "2026-02-30"}, headers=headers)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    ahead = client.get(URL.format(code="C1A"), params={"date": "2099-01-01"}, headers=headers)
    assert ahead.status_code == 422 and "has not begun" in ahead.json()["detail"]
    outside = client.get(URL.format(code="C2B") + ".html", headers=headers)
    assert outside.status_code == 404
    assert outside.headers["content-type"].startswith("application/problem+json")
    html = client.get(
        URL.format(code="C1A") + ".html", params={"date": DAY.isoformat()}, headers=headers
    )
    assert html.status_code == 200 and "Daily situation report" in html.text
    chinese = client.get(
        URL.format(code="C1A") + ".html",
        params={"date": DAY.isoformat()},
        headers={**headers, "Accept-Language": "zh-CN"},
    )
    assert "每日疫情通报" in chinese.text


def test_the_archive_is_a_paged_list_and_serves_each_version(
    session: Session, client: TestClient
) -> None:
    outbreak(session)
    make_user(session, "city", "epidemiologist", "C1")
    context = Context.build(
        system_actor().within(by_code(session, "C1")), Settings(), SystemClock()
    )
    found = service.figures(session, context, "C1", DAY, "covid19")
    for language in ("en", "zh", "en"):
        service.archive(session, context, found, language, "html")
    session.commit()
    headers = bearer(client, "city")
    url = URL.format(code="C1") + "/archive"
    body = client.get(url, params={"language": "en"}, headers=headers).json()
    assert body["total"] == 2
    assert [(a["language"], a["version"]) for a in body["items"]] == [("en", 2), ("en", 1)]
    first = client.get(f"/api/v1/sitrep-archive/{body['items'][0]['id']}", headers=headers)
    assert first.status_code == 200 and "Place C1A" in first.text
    assert client.get(URL.format(code="P") + "/archive", headers=headers).status_code == 404
