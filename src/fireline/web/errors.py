"""Errors on pages are HTML; the API under /api/ keeps its problem+json handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from fireline.auth.deps import NotLoggedIn
from fireline.errors import Problem
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
            "Your role does not allow this, or the form has expired. "
            "Reload the page and try again."
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
    return page.render(
        "web/error.html", status_code=status, status=status, title=title, message=message
    )


def _status_of(exc: Exception) -> int:
    if isinstance(exc, Problem):
        return exc.status
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code
    if isinstance(exc, RequestValidationError):
        return 400  # a page's malformed query or form
    return 500


def _for_pages(api_handler: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
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
    for kind in (Problem, StarletteHTTPException, RequestValidationError, Exception):
        api_handler: Handler = app.exception_handlers[kind]  # type: ignore[assignment]
        app.add_exception_handler(kind, _for_pages(api_handler))
    app.add_exception_handler(NotLoggedIn, _on_not_logged_in)
