"""Security headers on pages and API answers, no-store on anything but static files, and
templates that the CSP can run: no inline script, no inline event handlers."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.web.templating import PACKAGE_ROOT
from tests.auth.factories import bearer, make_user
from tests.people.factories import make_person
from tests.places.factories import by_code, small_tree
from tests.web.pages import log_in

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
INLINE_HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)


def _directives(response_headers: object) -> dict[str, str]:
    policy = response_headers["content-security-policy"]  # type: ignore[index]
    pairs = (part.strip().split(" ", 1) for part in policy.split(";"))
    return {name: value for name, value in pairs}


def _assert_secure(headers: object) -> None:
    csp = _directives(headers)
    assert "'unsafe-inline'" not in csp["script-src"] and "'self'" in csp["script-src"]
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "http" not in csp["default-src"]  # nothing loads from another server
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["referrer-policy"] == "same-origin"  # type: ignore[index]
    assert headers["cache-control"] == "no-store"  # type: ignore[index]


def test_pages_carry_the_policy_and_are_not_stored(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    _assert_secure(client.get("/login").headers)
    log_in(client, "ann")
    for path in ("/", "/account", "/surveillance"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_secure(response.headers)
    assert "strict-transport-security" not in client.get("/login").headers


def test_api_answers_with_personal_data_are_not_stored(
    session: Session, client: TestClient
) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    person = make_person(session, by_code(session, "C1A"))
    session.commit()
    response = client.get(f"/api/v1/persons/{person.id}", headers=bearer(client, "ann"))
    assert response.status_code == 200
    _assert_secure(response.headers)
    refused = client.get("/api/v1/persons")
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"


def test_static_files_may_be_cached(client: TestClient) -> None:
    response = client.get("/static/fireline.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_hsts_only_with_secure_cookies(app_factory) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app_factory(secure_cookies=True)) as client:
        hsts = client.get("/login").headers["strict-transport-security"]
    assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 31536000


def _templates() -> list[Path]:
    return sorted(PACKAGE_ROOT.rglob("templates/**/*.html"))


def test_no_template_has_inline_script_or_event_handlers() -> None:
    """The CSP would block them: every script is a file, or JSON data read by one."""
    offenders = []
    for template in _templates():
        text = template.read_text(encoding="utf-8")
        for attributes in SCRIPT_TAG.findall(text):
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                offenders.append(f"{template}: <script{attributes}>")
        offenders += [f"{template}: {m}" for m in INLINE_HANDLER.findall(text)]
    assert len(_templates()) > 20
    assert offenders == []


def test_the_api_docs_load_nothing_from_another_server(client: TestClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    _assert_secure(response.headers)
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert "/static/vendor/swagger-ui-bundle.js" in " ".join(sources)
    assert all(s.startswith("/static/") for s in sources), sources
    assert "<script>" not in response.text
