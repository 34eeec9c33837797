"""The county matrix: the API and the page (sorting, Rt suppression, downloads read back,
scope), and its figures against the overview's, the alert list's and the league's."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.places.models import Jurisdiction
from fireline.reports import service
from fireline.surveillance.trends.headline import MIN_CASES
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.quarantine.factories import quarantine
from tests.surveillance.signals.factories import add_daily_cases, make_alert
from tests.testing.factories import T0 as LAB_T0
from tests.testing.factories import add_result
from tests.web.pages import log_in

NOW = datetime(2026, 3, 31, 4, 0, tzinfo=UTC)  # noon in Asia/Shanghai
TODAY = date(2026, 3, 31)
YESTERDAY = TODAY - timedelta(days=1)


def build(session: Session) -> dict[str, Jurisdiction]:
    """C1A: 3 cases a day for 30 days (Rt shown); C1B: one case (Rt suppressed);
    C2A: 5 a day for 10 days. Alerts, a quarantine and lab results in C1A."""
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], YESTERDAY, [3] * 30, onset_lag=2)
    add_daily_cases(session, tree["C1B"], YESTERDAY, [1], onset_lag=2)
    add_daily_cases(session, tree["C2A"], YESTERDAY, [5] * 10, onset_lag=1)
    make_alert(session, tree["C1A"], TODAY)
    make_alert(session, tree["C1A"], TODAY - timedelta(days=1)).status = "dismissed"
    quarantine(session, tree["C1A"], last=TODAY - timedelta(days=2), today=TODAY)
    hours = int((NOW - LAB_T0).total_seconds() // 3600) - 30
    for i, outcome in enumerate(("positive", "negative", "negative", "negative")):
        add_result(session, tree["C1A"], f"M{i}", outcome, hours=hours)
    session.commit()
    return tree


@pytest.fixture
def tree(session: Session, client: TestClient) -> dict[str, Jurisdiction]:
    client.app.state.clock = FrozenClock(NOW)  # type: ignore[attr-defined]
    found = build(session)
    make_user(session, "province", "admin", "P")
    make_user(session, "city", "epidemiologist", "C1")
    make_user(session, "county", "epidemiologist", "C1A")
    return found


def test_the_matrix_figures_and_the_overviews_agree(
    session: Session, tree: dict[str, Jurisdiction], client: TestClient
) -> None:
    headers = bearer(client, "city")
    body = client.get("/api/v1/jurisdictions/C1/matrix?disease=covid19", headers=headers).json()
    rows = {r["code"]: r for r in body["rows"]}
    assert list(rows) == ["C1A", "C1B"]  # the city's counties, nothing of C2
    a, b = rows["C1A"], rows["C1B"]
    assert (a["new_yesterday"], a["last_7_days"], a["previous_7_days"]) == (3, 21, 21)
    assert a["change_7_days"] == 0.0 and b["change_7_days"] is None
    assert (a["open_alerts"], a["under_quarantine"]) == (1, 1)
    assert (a["tests"], a["positivity"]) == (4, 0.25)
    assert len(a["spark"]) == 28 and a["spark"][-1] == 0 and a["spark"][-2] == 3
    # The overview's own functions give the same figures for the county.
    overview = {c.code: c for c in service.child_counts(session, system_actor(), "C1")}
    assert a["confirmed"] == overview["C1A"].confirmed >= 90
    assert a["incidence"] == overview["C1A"].incidence_per_100k
    summary = service.mechanism_counts(session, system_actor(), "C1A", TODAY)
    assert a["under_quarantine"] == summary.quarantine_active
    # Rt: shown with its interval for C1A, suppressed for C1B's single case.
    assert a["rt"]["mean"] is not None and a["rt"]["lower"] < a["rt"]["mean"] < a["rt"]["upper"]
    assert a["rt"]["cases"] >= MIN_CASES and a["rt"]["basis"] == "complete"
    assert b["rt"]["suppressed"] and b["rt"]["mean"] is None and b["rt"]["cases"] == 1


def test_sorting_puts_a_suppressed_rt_last_either_way(
    tree: dict[str, Jurisdiction], client: TestClient
) -> None:
    headers = bearer(client, "province")

    def codes(code: str, query: str) -> list[str]:
        url = f"/api/v1/jurisdictions/{code}/matrix?sort={query}"
        return [r["code"] for r in client.get(url, headers=headers).json()["rows"]]

    assert codes("P", "confirmed&descending=true") == ["C1", "C2"]
    assert codes("P", "confirmed") == ["C2", "C1"]
    # C1B's Rt is suppressed: last whichever way Rt is sorted, never "lowest" or "highest".
    assert codes("C1", "rt") == codes("C1", "rt&descending=true") == ["C1A", "C1B"]
    assert codes("C1", "name&descending=true") == ["C1B", "C1A"]
    body = client.get("/api/v1/jurisdictions/C1/matrix?sort=nonsense", headers=headers).json()
    assert body["sort"] == "name"


def test_a_county_user_sees_its_own_place_only(
    tree: dict[str, Jurisdiction], client: TestClient
) -> None:
    headers = bearer(client, "county")
    assert client.get("/api/v1/jurisdictions/C1/matrix", headers=headers).status_code == 404
    own = client.get("/api/v1/jurisdictions/C1A/matrix", headers=headers)
    assert own.status_code == 200 and own.json()["rows"] == []
    log_in(client, "county")
    assert client.get("/overview/matrix?j=P").status_code == 404


def test_the_page_sorts_without_script_and_explains_the_suppression(
    tree: dict[str, Jurisdiction], client: TestClient
) -> None:
    log_in(client, "city")
    page = client.get("/overview/matrix?j=C1&sort=last_7_days&desc=1").text
    assert page.index('id="row-C1A"') < page.index('id="row-C1B"')
    assert 'aria-sort="descending"' in page and '<svg class="spark"' in page
    assert "too few cases" in page and "Cori et al. 2013" in page
    flipped = client.get("/overview/matrix?j=C1&sort=last_7_days").text
    assert flipped.index('id="row-C1B"') < flipped.index('id="row-C1A"')
    chinese = client.get("/overview/matrix?j=C1&lang=zh").text
    assert "病例太少" in chinese and "逐地对比" in chinese
    assert 'id="matrix-link"' in client.get("/?j=C1").text


def test_downloads_carry_human_headers_in_the_users_language(
    tree: dict[str, Jurisdiction], client: TestClient
) -> None:
    log_in(client, "city")
    english = client.get("/overview/matrix.csv?j=C1&sort=confirmed&desc=1")
    assert english.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["Code", "Jurisdiction", "Population", "Confirmed cases (cumulative)"]
    assert [row[0] for row in lines[1:]] == ["C1A", "C1B"]
    header = lines[0]
    c1b = dict(zip(header, lines[2], strict=True))
    assert c1b["Rt (mean)"] == "" and c1b["Cases in the Rt window"] == "1"
    workbook = load_workbook(io.BytesIO(client.get("/overview/matrix.xlsx?j=C1&lang=zh").content))
    sheet = workbook.active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:3] == ["代码", "辖区", "常住人口"] and "_" not in "".join(map(str, cells[0]))
    assert cells[1][0] == "C1A" and cells[1][1] == "地区C1A"


def test_every_download_column_has_a_heading() -> None:
    from fireline.reports.matrix import export, views

    assert tuple(key for key, _ in views.HEADERS) == export.COLUMNS
