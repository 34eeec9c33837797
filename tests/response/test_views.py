"""The response pages: board, detail and its actions, opening by hand, the league table and
its downloads, notifications; in both languages, in scope, with CSRF and versions."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.clock import FrozenClock
from fireline.diseases import load_profiles
from fireline.response.models import Response, ResponseNotification, ResponseTask
from fireline.response.service import sweep
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.response.factories import T0, add_case, settings
from tests.web.pages import log_in

NOW = T0 + timedelta(hours=3)  # the 2-hour tasks are overdue, the 24-hour ones on time


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    tree = small_tree(session)
    own, other = add_case(session, tree["C1A"]), add_case(session, tree["C2A"])
    for moment in (T0, NOW):
        sweep(session, moment, profiles=load_profiles(), settings=settings())
    session.commit()
    for name, role, place in (
        ("county", "investigator", "C1A"),
        ("city", "epidemiologist", "C1"),
        ("viewer", "viewer", "C1A"),
        ("province", "admin", "P"),
    ):
        make_user(session, name, role, place)
    by_case = {r.case_id: r.id for r in session.scalars(select(Response))}
    return {"own": by_case[own.id], "other": by_case[other.id], "tree": tree}


@pytest.fixture
def app(app_factory: Callable[..., FastAPI]) -> FastAPI:
    built = app_factory()
    built.state.clock = FrozenClock(NOW)
    built.state.response_settings = settings()
    return built


@pytest.fixture
def web(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def zh(web: TestClient, path: str) -> str:
    """A page in Chinese; the language choice is not remembered for the next request."""
    html: str = web.get(path + ("&" if "?" in path else "?") + "lang=zh").text
    web.cookies.set("fireline_lang", "en")
    return html


def task_of(session: Session, response_id: int, playbook_id: str) -> ResponseTask:
    statement = select(ResponseTask).where(
        ResponseTask.response_id == response_id, ResponseTask.playbook_id == playbook_id
    )
    return session.scalars(statement).one()


def test_board_in_both_languages(web: TestClient, world: dict[str, Any]) -> None:
    log_in(web, "county")
    html = web.get("/response").text
    assert "Response board" in html and "Isolate the case" in html
    assert re.search(r'id="col-red".*?kcol-count">2<', html, re.S)
    assert re.search(r'id="col-green".*?kcol-count">6<', html, re.S)
    chinese = zh(web, "/response")
    assert "应急响应任务看板" in chinese and "隔离病例" in chinese and "逾期" in chinese
    listed = web.get("/response?view=list&light=red").text
    assert len(re.findall(r'<tr class="row-red"', listed)) == 2


def test_board_filters(web: TestClient, world: dict[str, Any]) -> None:
    log_in(web, "county")
    by_type = web.get("/response?view=list&type=interview_case").text
    assert len(re.findall(r"data-task=", by_type)) == 1
    assert "No tasks match these filters." in web.get("/response?view=list&age=72").text
    unassigned = web.get("/response?view=list&assignee=none").text
    assert len(re.findall(r"data-task=", unassigned)) == 8
    ignored = web.get("/response?view=list&type=nonsense&age=x&light=purple")
    assert ignored.status_code == 200 and len(re.findall(r"data-task=", ignored.text)) == 8


def test_city_board_shows_which_county_is_late(web: TestClient, world: dict[str, Any]) -> None:
    log_in(web, "city")
    html = web.get("/response").text
    assert html.count("Escalated from Place C1A") == 2
    late = html.split('id="late"', 1)[1]
    assert re.search(r"Place C1A</a></th>\s*<td class=\"num late-text\">2<", late)
    assert "Place C2A" not in html  # the other city's county is out of scope
    assert "地区C1A逾期上报督办" in zh(web, "/response")


def test_detail_in_both_languages_and_scope(web: TestClient, world: dict[str, Any]) -> None:
    log_in(web, "county")
    html = web.get(f"/response/{world['own']}").text
    assert "Response #" in html and "7-1-7 timeliness" in html and "Timeline" in html
    assert "Opened by the automatic sweep." in html and "/surveillance/cases/" in html
    assert html.count('action="/response/tasks/') == 16  # complete and assign, 8 open tasks
    chinese = zh(web, f"/response/{world['own']}")
    assert "7-1-7 时效" in chinese and "时间线" in chinese and "已逾期" in chinese
    elsewhere = web.get(f"/response/{world['other']}?lang=en")
    assert elsewhere.status_code == 404 and "outside your jurisdiction" in elsewhere.text
    assert web.get("/response/999999").status_code == 404


def test_viewer_sees_no_action_forms(web: TestClient, world: dict[str, Any]) -> None:
    log_in(web, "viewer")
    html = web.get(f"/response/{world['own']}").text
    assert "Isolate the case" in html and 'action="/response/tasks/' not in html
    assert "Open a response" not in web.get("/response").text
    assert web.get("/response/new").status_code == 403


def test_complete_by_hand_csrf_and_conflict(
    web: TestClient, world: dict[str, Any], session: Session
) -> None:
    token = log_in(web, "county")
    task = task_of(session, world["own"], "isolate")
    url = f"/response/tasks/{task.id}/complete"
    form = {"version": str(task.version), "note": "admitted to ward 3"}
    refused = web.post(url, data=form, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token
    done = web.post(url, data={**form, "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("done=completed")
    page = web.get(done.headers["location"]).text
    assert "The task is marked as done." in page and "admitted to ward 3" in page
    stale = web.post(url, data={**form, "csrf_token": token})
    assert stale.status_code == 409
    assert "Someone else changed this after you opened the page" in stale.text
    chinese = web.post(url + "?lang=zh", data={**form, "csrf_token": token})
    assert chinese.status_code == 409 and "其他用户已作修改" in chinese.text
    web.cookies.set("fireline_lang", "en")


def test_assign_and_out_of_scope_task(
    web: TestClient, world: dict[str, Any], session: Session
) -> None:
    token = log_in(web, "county")
    task = task_of(session, world["own"], "interview")
    county = session.scalars(
        select(ResponseTask.id).where(ResponseTask.response_id == world["other"])
    ).first()
    assigned = web.post(
        f"/response/tasks/{task.id}/assign",
        data={"version": str(task.version), "team": "Team 3", "csrf_token": token},
    )
    assert assigned.status_code == 200 and "The task is assigned." in assigned.text
    assert "Team 3" in assigned.text
    foreign = web.post(
        f"/response/tasks/{county}/assign", data={"version": "1", "team": "x", "csrf_token": token}
    )
    assert foreign.status_code == 404


def test_close_needs_a_summary_and_the_current_version(
    web: TestClient, world: dict[str, Any], session: Session
) -> None:
    token = log_in(web, "county")
    url = f"/response/{world['own']}/close"
    empty = web.post(url, data={"version": "1", "summary": " ", "csrf_token": token})
    assert empty.status_code == 422 and "Write a summary" in empty.text
    stale = web.post(url, data={"version": "7", "summary": "done", "csrf_token": token})
    assert stale.status_code == 409 and "Someone else changed" in stale.text
    closed = web.post(
        url, data={"version": "1", "summary": "All contacts under quarantine.", "csrf_token": token}
    )
    assert closed.status_code == 200 and "All contacts under quarantine." in closed.text
    assert "Cancelled" in closed.text and 'action="/response/tasks/' not in closed.text
    again = web.post(url, data={"version": "2", "summary": "x", "csrf_token": token})
    assert again.status_code == 409 and "already closed" in again.text
    assert "data-task=" not in web.get("/response?view=list").text  # they left the board


def test_open_a_response_by_hand(web: TestClient, world: dict[str, Any]) -> None:
    token = log_in(web, "county")
    form = zh(web, "/response/new")
    assert "启动应急响应" in form and 'value="C1A"' in form
    body = {
        "jurisdiction_code": "C1A",
        "disease": "covid19",
        "trigger": "cluster",
        "level": "III",
        "csrf_token": token,
    }
    opened = web.post("/response/new", data=body, follow_redirects=False)
    assert opened.status_code == 303, opened.text
    page = web.get(opened.headers["location"]).text
    assert "The response is open." in page and "Level III" in page
    assert "Opened by hand by county." in page
    elsewhere = web.post("/response/new", data={**body, "jurisdiction_code": "C2A"})
    assert elsewhere.status_code == 404 and "Not found in your jurisdiction." in elsewhere.text
    no_case = web.post("/response/new", data={**body, "trigger": "case_confirmed"})
    assert no_case.status_code == 422 and "could not be saved" in no_case.text
    assert (
        web.post(
            "/response/new", data={k: v for k, v in body.items() if k != "csrf_token"}
        ).status_code
        == 403
    )


def test_responses_list(web: TestClient, world: dict[str, Any]) -> None:
    log_in(web, "city")
    html = web.get("/response/list").text
    assert f'href="/response/{world["own"]}"' in html
    assert f'href="/response/{world["other"]}"' not in html
    assert "共 1 起应急响应" in zh(web, "/response/list")
    assert "No responses here yet." in web.get("/response/list?status=closed").text
    assert "No responses here yet." in web.get("/response/list?j=C1B").text  # the chosen county
    assert f'href="/response/{world["own"]}"' in web.get("/response/list?j=C1A&status=all").text


def test_league_page_and_downloads(web: TestClient, world: dict[str, Any]) -> None:
    log_in(web, "city")
    html = web.get("/response/league").text
    assert "League table" in html and "Place C1A" in html and "Place C1B" in html
    assert "red-cell" in html  # C1A has overdue tasks
    chinese = zh(web, "/response/league?period=28")
    assert "排名通报" in chinese and "当前逾期任务数" in chinese and "近 28 天" in chinese
    csv_file = web.get("/response/league.csv?period=28")
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert csv_file.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert {r["Code"] for r in rows} == {"C1A", "C1B"}  # headed in the reader's words
    assert next(r for r in rows if r["Code"] == "C1A")["Overdue tasks now: share"] == "2.0"
    assert not any("_" in title for title in rows[0])
    xlsx = web.get("/response/league.xlsx?start=2026-03-01&end=2026-03-02")
    assert 'filename="league-C1-2026-03-01-2026-03-02.xlsx"' in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.cell(1, 1).value == "Overall rank" and sheet.max_row == 3
    chinese_file = web.get("/response/league.xlsx?period=28&lang=zh")
    titles = [c.value for c in next(load_workbook(io.BytesIO(chinese_file.content)).active.rows)]
    assert titles[:2] == ["总排名", "代码"] and "当前逾期任务数：排名" in titles
    log_in(web, "province")
    counties = web.get("/response/league?level=county").text
    assert all(f"Place {c}" in counties for c in ("C1A", "C1B", "C2A", "C2B"))


def test_notifications_and_mark_read(
    web: TestClient, world: dict[str, Any], session: Session
) -> None:
    token = log_in(web, "city")
    html = web.get("/response/notifications?unread=1").text
    assert "2 escalations" in html and "Place C1A is late; escalated to Place C1" in html
    assert "督办通知" in zh(web, "/response/notifications")
    note = session.scalars(
        select(ResponseNotification).where(
            ResponseNotification.jurisdiction_id == world["tree"]["C1"].id
        )
    ).first()
    assert note is not None
    url = f"/response/notifications/{note.id}/read"
    assert web.post(url, data={"unread": "1"}).status_code == 403
    read = web.post(url, data={"unread": "1", "csrf_token": token}, follow_redirects=False)
    assert read.status_code == 303 and read.headers["location"].endswith("?unread=1")
    assert "1 escalations" in web.get("/response/notifications?unread=1").text
    county_token = log_in(web, "county")
    assert "0 escalations" in web.get("/response/notifications").text
    foreign = web.post(url, data={"csrf_token": county_token})
    assert foreign.status_code == 404


def test_league_dates_that_cannot_be_used_are_kept_and_refused_beside_their_field(
    web: TestClient, world: dict[str, Any]
) -> None:
    log_in(web, "city")
    html = web.get("/response/league?period=custom&start=2026-03-09&end=2026-03-01").text
    assert 'id="start-error">The start date is after the end date.<' in html
    assert 'value="2026-03-09"' in html and 'value="2026-03-01"' in html
    assert '<option value="custom" selected>' in html
    chinese = zh(web, "/response/league?period=custom&start=yesterday&end=2026-03-01")
    assert 'id="start-error">日期请按 YYYY-MM-DD 格式填写。<' in chinese
    assert 'value="yesterday"' in chinese and "end-error" not in chinese
    too_long = web.get("/response/league?period=custom&start=2024-01-01&end=2026-03-01").text
    assert 'id="end-error">Choose at most a year (366 days).<' in too_long
