"""Errors in the reader's language: the error pages (500s included) and problem+json."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.templating import Jinja2Templates

from fireline.web.deps import PageActor
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.web.pages import log_in


@pytest.fixture
def app(app_factory, session: Session) -> FastAPI:  # type: ignore[no-untyped-def]
    small_tree(session)
    session.commit()
    make_user(session, "ana", "epidemiologist", "C1")
    built: FastAPI = app_factory()

    @built.get("/broken")
    def broken(actor: PageActor) -> PlainTextResponse:  # a page with a bug
        raise RuntimeError("a bug with a name in it: Li Hua")

    @built.get("/broken-sql")
    def broken_sql(actor: PageActor) -> PlainTextResponse:  # a query that fails
        raise DBAPIError("SELECT name FROM persons", {}, Exception("constraint on Li Hua"))

    return built


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        log_in(test_client, "ana")
        yield test_client


@pytest.mark.parametrize("path", ["/broken", "/broken-sql"])
def test_a_server_error_is_a_translated_page(client: TestClient, path: str) -> None:
    response = client.get(path + "?lang=zh")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "出现错误" in response.text and "返回总览" in response.text
    assert "Internal Server Error" not in response.text and "Li Hua" not in response.text


def test_the_error_page_stands_when_its_template_fails(
    client: TestClient, app: FastAPI, tmp_path: Path
) -> None:
    # Templates from an empty folder: rendering web/error.html itself raises.
    app.state.web = replace(app.state.web, templates=Jinja2Templates(directory=tmp_path))
    response = client.get("/broken?lang=zh")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in response.text and "出现错误" in response.text
    assert "Internal Server Error" not in response.text


def test_problem_json_in_chinese_when_asked(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["content-language"] == "zh-CN"
    body = response.json()
    assert body["title"] == "未找到" and body["status"] == 404
    assert "不存在" in body["detail"] and body["detail_en"] == "Not Found"


def test_problem_json_detail_from_the_catalogue(client: TestClient) -> None:
    bearer = TestClient(client.app)
    response = bearer.get("/api/v1/users/me", headers={"Accept-Language": "zh"})
    assert response.status_code == 401
    assert response.json()["title"] == "请登录"


def test_problem_json_stays_english_by_default(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    body = response.json()
    assert body["title"] == "Not Found" and "detail_en" not in body
    assert "content-language" not in response.headers
