"""Errors on pages are HTML; the API under /api/ keeps its problem+json handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from fireline.auth.deps import NotLoggedIn
from fireline.errors import (
    DATABASE_DOWN,
    RETRY_AFTER_SECONDS,
    Problem,
    is_database_down,
    retried_later,
)
from fireline.web.deps import public_page, web_state
from fireline.web.i18n import N_

Handler = Callable[[Request, Exception], Awaitable[Response]]

API_PREFIX: Final = "/api/"
# (title, explanation) per status; the API's English detail is not shown on pages
# because it would not be in the page's language.
MESSAGES: Final = {
    400: (N_("The request is not valid"), N_("Check the address or the form and try again.")),
    401: (N_("Please log in"), N_("Your session has ended. Log in again to continue.")),
    403: (
        N_("Not allowed"),
        N_(
            "Your role does not allow this, or the form has expired. Reload the page and try again."
        ),
    ),
    404: (
        N_("Not found"),
        N_("This page does not exist, or what it shows is outside your jurisdiction."),
    ),
    409: (
        N_("Changed by someone else"),
        N_("The record was changed by someone else. Reload it and try again."),
    ),
    413: (
        N_("File too large"),
        N_(
            "The file is larger than this server accepts. Split it into smaller files, "
            "or ask an administrator about the upload limit."
        ),
    ),
    503: (
        N_("Service unavailable"),
        N_(
            "The database cannot be reached at the moment. What you just sent was not saved. "
            "Wait a few seconds and try again."
        ),
    ),
}
FALLBACK: Final = (N_("Something went wrong"), N_("The request could not be completed."))


def login_redirect(request: Request) -> Response:
    """Send the browser to the log-in page, coming back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = "/login?next=" + quote(target, safe="/")
    if request.headers.get("hx-request") == "true":
        # htmx would swap the log-in page into a fragment; make it navigate instead.
        return Response(status_code=401, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def error_page(request: Request, status: int) -> Response:
    page = public_page(request, web_state(request))
    title, message = MESSAGES.get(status, FALLBACK)
    response = page.render(
        "web/error.html", status_code=status, status=status, title=title, message=message
    )
    if status == 503:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def _status_of(exc: Exception) -> int:
    if isinstance(exc, Problem):
        return exc.status
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code
    if is_database_down(exc):
        return 503
    if isinstance(exc, RequestValidationError):
        return 400  # a page's malformed query or form
    return 500


def _for_pages(api_handler: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if isinstance(exc, DBAPIError) and (
            not is_database_down(exc) or retried_later(request, exc)
        ):
            raise exc  # an ordinary server error (a 500, as before), or a GET run again
        if request.url.path.startswith(API_PREFIX):
            return await api_handler(request, exc)
        status = _status_of(exc)
        if status == 401:
            return login_redirect(request)
        return error_page(request, status)

    return handle


async def _on_not_logged_in(request: Request, exc: Exception) -> Response:
    return login_redirect(request)


def install_page_errors(app: FastAPI) -> None:
    """Wrap the problem+json handlers already installed so pages get HTML instead."""
    kinds = (Problem, StarletteHTTPException, RequestValidationError, *DATABASE_DOWN, DBAPIError)
    for kind in (*kinds, Exception):
        api_handler: Handler = app.exception_handlers[kind]  # type: ignore[assignment]
        app.add_exception_handler(kind, _for_pages(api_handler))
    app.add_exception_handler(NotLoggedIn, _on_not_logged_in)
