"""The page machinery: errors as HTML, the API untouched, vendor files, CSRF on forms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

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

    @built.post("/probe")
    def probe(actor: PageActor) -> PlainTextResponse:  # a form-posting page, for the test
        return PlainTextResponse(actor.username)

    return built


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        log_in(test_client, "ana")
        yield test_client


def test_unknown_page_is_an_html_404(client: TestClient) -> None:
    response = client.get("/no-such-page?lang=zh")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "未找到" in response.text


def test_api_errors_stay_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    unauthenticated = TestClient(client.app).get("/api/v1/users/me")
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["content-type"] == "application/problem+json"


def test_forms_need_the_csrf_token(client: TestClient) -> None:
    from tests.web.pages import csrf_from

    csrf = csrf_from(client.get("/").text)
    assert client.post("/probe", data={}).status_code == 403
    assert client.post("/probe", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/probe", data={"csrf_token": csrf}).text == "ana"
    assert client.post("/probe", headers={"X-CSRF-Token": csrf}).text == "ana"  # htmx


def test_static_assets_are_served(client: TestClient) -> None:
    css = client.get("/static/fireline.css")
    assert css.status_code == 200 and "--brand" in css.text
    assert client.get("/static/fireline.js").status_code == 200


def test_missing_vendor_files_show_a_notice(
    client: TestClient, app: FastAPI, tmp_path: Path
) -> None:
    from dataclasses import replace

    app.state.web = replace(app.state.web, vendor_dir=tmp_path)
    html = client.get("/").text
    assert "make vendor" in html
    assert "vendor/vega.min.js" not in html and "vendor/htmx.min.js" not in html


def test_vendor_files_are_used_when_built(client: TestClient, app: FastAPI, tmp_path: Path) -> None:
    from dataclasses import replace

    from fireline.web.templating import VENDOR_FILES

    for name in VENDOR_FILES:
        (tmp_path / name).write_text("/* built */")
    app.state.web = replace(app.state.web, vendor_dir=tmp_path)
    html = client.get("/").text
    assert "make vendor</code>" not in html
    assert "vendor/vega-embed.min.js" in html and "vendor/htmx.min.js" in html


def test_every_mechanism_is_in_the_navigation(client: TestClient) -> None:
    html = client.get("/").text
    for href, label in [
        ("/surveillance", "Surveillance"),
        ("/response", "Response"),
        ("/investigation", "Investigation"),
        ("/testing", "Testing"),
        ("/quarantine", "Quarantine"),
        ("/care", "Care"),
    ]:
        assert f'href="{href}"' in html and label in html
