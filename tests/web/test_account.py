"""Log-in and log-out pages: cookies, CSRF, and where the browser goes next."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.auth.factories import PASSWORD, make_user
from tests.places.factories import small_tree
from tests.web.pages import csrf_from, log_in


@pytest.fixture
def user(session: Session) -> str:
    small_tree(session)
    session.commit()
    make_user(session, "ana", "investigator", "C1A")
    return "ana"


def post_login(client: TestClient, password: str, next_url: str = "/") -> object:
    return client.post(
        "/login",
        data={"username": "ana", "password": password, "next": next_url},
        follow_redirects=False,
    )


def test_login_page_renders_without_demo_logins(client: TestClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert 'name="password"' in response.text
    assert "fireline-demo" not in response.text


def test_demo_mode_lists_the_demo_logins(app_factory) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app_factory(demo=True)) as client:
        text = client.get("/login").text
    assert "fireline-demo" in text
    assert "hangzhou-epidemiologist" in text and "shangcheng-viewer" in text


def test_login_sets_a_session_cookie_and_redirects(client: TestClient, user: str) -> None:
    response = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "next": "/testing"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/testing"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("fireline_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert client.get("/testing").status_code == 200


def test_secure_cookies_when_configured(app_factory, user: str) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app_factory(secure_cookies=True)) as client:
        response = client.post(
            "/login", data={"username": user, "password": PASSWORD}, follow_redirects=False
        )
    assert "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize("username", ["ana", "nobody"])
def test_wrong_credentials_say_nothing_about_which_part(
    client: TestClient, user: str, username: str
) -> None:
    response = client.post(
        "/login",
        data={"username": username, "password": "wrong-password"},
        follow_redirects=False,
    )
    assert response.status_code == 401
    assert "Wrong username or password" in response.text
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("/quarantine?j=C1A", "/quarantine?j=C1A"),
        ("https://evil.example/", "/work"),
        ("//evil.example/", "/work"),
        ("/\\evil.example", "/work"),
        ("javascript:alert(1)", "/work"),
        ("", "/work"),
        ("/", "/work"),
    ],
)
def test_next_is_only_a_local_path(
    client: TestClient, user: str, asked: str, expected: str
) -> None:
    response = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "next": asked},
        follow_redirects=False,
    )
    assert response.headers["location"] == expected


def test_a_page_without_session_redirects_to_login(client: TestClient) -> None:
    response = client.get("/surveillance?j=C1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/surveillance%3Fj%3DC1"
    htmx = client.get("/surveillance", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.headers["HX-Redirect"].startswith("/login?next=")


def test_logout_without_csrf_is_refused(client: TestClient, user: str) -> None:
    log_in(client, user)
    response = client.post("/logout", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert client.get("/", follow_redirects=False).status_code == 200  # still logged in


def test_logout_revokes_the_session(client: TestClient, user: str) -> None:
    csrf = log_in(client, user)
    cookie = client.cookies["fireline_session"]
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert 'fireline_session=""' in response.headers["set-cookie"]
    client.cookies.set("fireline_session", cookie)  # replaying the old cookie does not work
    assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=/"


def test_a_logged_in_user_skips_the_login_form(client: TestClient, user: str) -> None:
    log_in(client, user)
    response = client.get("/login?next=/care", follow_redirects=False)
    assert response.headers["location"] == "/care"


def test_layout_offers_log_out_with_csrf(client: TestClient, user: str) -> None:
    csrf = log_in(client, user)
    html = client.get("/").text
    assert csrf_from(html) == csrf
    assert f'"X-CSRF-Token": "{csrf}"' in html  # htmx sends it on every request
    assert "Case investigator" in html


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"referer": "https://evil.example/login-csrf.html"},
        {"sec-fetch-site": "cross-site"},
    ],
)
def test_a_log_in_posted_from_another_site_is_refused(
    client: TestClient, user: str, headers: dict[str, str]
) -> None:
    """Login CSRF (OWASP CSRF Prevention Cheat Sheet): a page elsewhere must not log the
    browser in to an account of the attacker's choosing."""
    response = client.post(
        "/login",
        data={"username": user, "password": PASSWORD},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert "did not come from Fireline" in response.text
    assert f'value="{user}"' in response.text  # what was typed is kept


def test_a_log_in_from_this_site_passes(client: TestClient, user: str) -> None:
    response = client.post(
        "/login",
        data={"username": user, "password": PASSWORD},
        headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_the_log_in_form_says_when_the_account_is_locked(client: TestClient, user: str) -> None:
    for _ in range(5):
        assert post_login(client, "wrong-guess-again").status_code == 401  # type: ignore[attr-defined]
    locked = client.post(
        "/login",
        data={"username": user, "password": PASSWORD},
        follow_redirects=False,
    )
    assert locked.status_code == 429 and "retry-after" in locked.headers
    assert "Too many failed log-ins" in locked.text
    assert "set-cookie" not in locked.headers


def test_the_navigation_leads_only_to_pages_the_role_may_open(
    client: TestClient, session: Session, user: str
) -> None:
    make_user(session, "vic", "viewer", "C1A")
    log_in(client, "vic")
    nav = '<li><a href="/quarantine"'  # the main navigation's entry
    assert nav not in client.get("/").text
    assert client.get("/quarantine").status_code == 403  # the page it would lead to
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    log_in(client, user)
    assert nav in client.get("/").text
