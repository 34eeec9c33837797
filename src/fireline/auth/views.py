"""Log-in and log-out pages: a session cookie for the browser, CSRF on every form."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from fireline.auth.deps import SESSION_COOKIE, check_csrf, session_token
from fireline.auth.passwords import hashing_slot
from fireline.auth.roles import ROLE_NAMES
from fireline.auth.service import InvalidCredentials, authenticate, issue_token, revoke_token
from fireline.db.deps import DbSession, ReadSession
from fireline.web.deps import CSRF_FIELD, PublicPage

router = APIRouter()

# The demo database (`fireline demo`) creates these; shown only when settings.demo is on.
DEMO_PASSWORD: Final = "fireline-demo"
DEMO_ADMIN: Final = "admin"
DEMO_PLACES: Final = ("hangzhou", "shangcheng")


def safe_next(target: str | None) -> str:
    """Only a path on this site: ``//evil.example`` or ``https://…`` would leave it."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ch in target for ch in "\r\n\t") or "\\" in target:
        return "/"
    return target


def demo_logins() -> list[tuple[str, str]]:
    """(username, role) for the demo accounts."""
    logins = [(DEMO_ADMIN, "admin")]
    logins += [(f"{place}-{role}", role) for place in DEMO_PLACES for role in ROLE_NAMES]
    return logins


def _login_form(page: PublicPage, next_url: str, *, failed: bool = False,
                username: str = "") -> Response:
    settings = page.state.settings
    return page.render(
        "auth/login.html",
        status_code=401 if failed else 200,
        next_url=next_url,
        failed=failed,
        username=username,
        demo=settings.demo,
        demo_logins=demo_logins() if settings.demo else [],
        demo_password=DEMO_PASSWORD,
    )


@router.get("/login")
def login_page(
    request: Request, page: PublicPage, session: DbSession, next: str | None = None
) -> Response:
    if session_token(request, session) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(page, safe_next(next))


@router.post("/login")
def login(
    page: PublicPage,
    session: DbSession,
    reading: ReadSession,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    settings = page.state.settings
    try:
        # The password hash takes long on purpose: checked outside the write transaction,
        # and the reading session gives its connection back before the write waits.
        with hashing_slot():
            user = authenticate(reading, username.strip(), password)
        reading.close()
    except InvalidCredentials:
        # One message for an unknown user and a wrong password alike.
        return _login_form(page, safe_next(next), failed=True, username=username)
    issued = issue_token(
        session, user, kind="session", lifetime=timedelta(hours=settings.session_hours)
    )
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout")
def logout(
    request: Request,
    page: PublicPage,
    session: DbSession,
    csrf_token: Annotated[str | None, Form(alias=CSRF_FIELD)] = None,
) -> Response:
    response = RedirectResponse("/login", status_code=303)
    token = session_token(request, session)
    if token is not None:
        check_csrf(request, token, csrf_token)
        revoke_token(session, request.cookies[SESSION_COOKIE])
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax",
        secure=page.state.settings.secure_cookies,
    )
    return response
