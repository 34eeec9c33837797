"""Log-in and log-out pages: a session cookie for the browser, CSRF on every form."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Final
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from fireline.auth import tokens
from fireline.auth.deps import SESSION_COOKIE, check_csrf, client_address, session_token
from fireline.auth.roles import ROLE_NAMES
from fireline.auth.service import (
    InvalidCredentials,
    LogInCheck,
    TooManyAttempts,
    actor_for,
    check_log_in,
    issue_token,
    record_log_in,
    revoke_token,
)
from fireline.db.deps import DbSession, ReadSession
from fireline.errors import NotFound
from fireline.web.deps import CSRF_FIELD, PageContext, PublicPage

router = APIRouter()

# The demo database (`fireline demo`) creates these; shown only when settings.demo is on.
DEMO_PASSWORD: Final = "fireline-demo"
DEMO_ADMIN: Final = "admin"
DEMO_PLACES: Final = ("hangzhou", "shangcheng")
# Where log-in lands when no other page was asked for: the user's work of the day.
LANDING: Final = "/work"


def safe_next(target: str | None) -> str:
    """Only a path on this site: ``//evil.example`` or ``https://…`` would leave it. No
    page asked for (or the bare root) lands on "My work"."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return LANDING
    if any(ch in target for ch in "\r\n\t") or "\\" in target:
        return LANDING
    return LANDING if target == "/" else target


def demo_logins() -> list[tuple[str, str]]:
    """(username, role) for the demo accounts."""
    logins = [(DEMO_ADMIN, "admin")]
    logins += [(f"{place}-{role}", role) for place in DEMO_PLACES for role in ROLE_NAMES]
    return logins


def same_origin(request: Request) -> bool:
    """Whether a form post came from this site (OWASP CSRF Prevention Cheat Sheet,
    "Verifying Origin with standard headers" and "Fetch Metadata headers").

    A request with neither header (a non-browser client) passes: the log-in form holds
    no session yet, and what login CSRF forges is a browser's post.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return True
    # The scheme is left out: behind a TLS proxy the app sees http for an https page.
    return urlsplit(origin).netloc == request.url.netloc


def _login_form(
    page: PublicPage,
    next_url: str,
    *,
    refusal: str | None = None,
    username: str = "",
    status_code: int = 200,
) -> Response:
    settings = page.state.settings
    return page.render(
        "web/login.html",
        status_code=status_code,
        next_url=next_url,
        failed=refusal,
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


def checked_log_in(
    page: PublicPage,
    reading: ReadSession,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> LogInCheck | None:
    """The form's password checked (None: posted from another site). ``login`` declares
    it before its ``DbSession``, so the slow hash runs before the request joins the
    queue for SQLite's write lock (``db.deps.write_gate``)."""
    request = page.request
    if not same_origin(request):
        return None
    try:
        return check_log_in(
            reading,
            username.strip(),
            password,
            address=client_address(request),
            now=request.app.state.clock.now(),
        )
    finally:
        reading.close()


@router.post("/login")
def login(
    page: PublicPage,
    checked: Annotated[LogInCheck | None, Depends(checked_log_in)],
    session: DbSession,
    username: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    settings = page.state.settings
    if checked is None:
        return _login_form(
            page, safe_next(next), refusal="origin", username=username, status_code=403
        )
    try:
        user = record_log_in(session, checked)
    except InvalidCredentials:
        # One message for an unknown user and a wrong password alike.
        return _login_form(
            page, safe_next(next), refusal="password", username=username, status_code=401
        )
    except TooManyAttempts as refused:
        response = _login_form(
            page, safe_next(next), refusal="locked", username=username, status_code=429
        )
        response.headers.update(refused.headers or {})
        return response
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
    revoke_api: Annotated[str | None, Form()] = None,
) -> Response:
    """End this page session; API tokens live on (scripts use them) unless the form asks."""
    response = RedirectResponse("/login", status_code=303)
    token = session_token(request, session)
    if token is not None:
        check_csrf(request, token, csrf_token)
        if revoke_api:
            actor = actor_for(token.user)
            tokens.revoke_all(session, actor, token.user_id, kind="api")
        revoke_token(session, request.cookies[SESSION_COOKIE])
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=page.state.settings.secure_cookies,
    )
    return response


@router.get("/account")
def account_page(page: PageContext, session: DbSession) -> Response:
    return _account(page, session)


def _account(
    page: PageContext, session: DbSession, *, status_code: int = 200, revoked: bool = False
) -> Response:
    actor, user = page.actor, page.user
    assert actor is not None and user is not None and actor.user_id is not None
    current = session_token(page.request, session)
    return page.render(
        "web/account.html",
        status_code=status_code,
        tokens=tokens.list_tokens(session, actor, actor.user_id),
        current_id=current.id if current else None,
        revoked=revoked,
    )


@router.post("/account/tokens/{token_id}/revoke")
def revoke_page(token_id: int, page: PageContext, session: DbSession) -> Response:
    """Revoke one of one's own sessions or tokens (CSRF is checked by page_context)."""
    actor = page.actor
    assert actor is not None
    owned = {t.id for t in tokens.list_tokens(session, actor, actor.user_id or 0)}
    if token_id not in owned:
        raise NotFound(f"token {token_id}")
    tokens.revoke(session, actor, token_id)
    current = session_token(page.request, session)
    if current is None:  # one's own page session: this was a log-out
        return RedirectResponse("/login", status_code=303)
    return _account(page, session, revoked=True)
