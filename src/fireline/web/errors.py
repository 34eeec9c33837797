"""Errors on pages are HTML; the API under /api/ keeps its problem+json handlers."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from html import escape
from http import HTTPStatus
from typing import Final
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from fireline.auth.deps import NotLoggedIn
from fireline.errors import (
    PROBLEM_JSON,
    RETRY_AFTER_SECONDS,
    Problem,
    is_database_down,
    retried_later,
)
from fireline.web import i18n
from fireline.web.deps import public_page, request_language, web_state
from fireline.web.i18n import N_
from fireline.web.templating import static_url

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
# The title of a problem document per status, instead of HTTP's English reason phrase.
STATUS_TITLES: Final = {
    400: N_("Bad request"),
    401: N_("Please log in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    406: N_("Not acceptable"),
    409: N_("Conflict"),
    413: N_("File too large"),
    415: N_("Unsupported media type"),
    422: N_("The request is not valid"),
    428: N_("Precondition required"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}
# Headers recomputed for a new body (Starlette sets the length and type itself).
DROPPED_HEADERS: Final = frozenset({"content-length", "content-type"})
# The last-resort page: a fixed page around the translated words, using the app's stylesheet.
PLAIN_PAGE: Final = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Fireline</title><link rel="stylesheet" href="{css}"></head>
<body><main id="main" class="content"><section class="panel narrow error-panel">
<p class="eyebrow">{status}</p><h1>{title}</h1><p>{message}</p>
<p><a class="button" href="/">{home}</a></p></section></main></body></html>
"""
log = logging.getLogger(__name__)


def login_redirect(request: Request) -> Response:
    """Send the browser to the log-in page, coming back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = "/login?next=" + quote(target, safe="/")
    if request.headers.get("hx-request") == "true":
        # htmx would swap the log-in page into a fragment; make it navigate instead.
        return Response(status_code=401, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def error_page(request: Request, status: int) -> Response:
    title, message = MESSAGES.get(status, FALLBACK)
    response: Response
    try:
        page = public_page(request, web_state(request))
        response = page.render(
            "web/error.html", status_code=status, status=status, title=title, message=message
        )
    except Exception:  # the error page itself failed: a page without the layout
        log.exception("the error page could not be rendered")
        response = plain_error_page(request, status)
    if status == 503:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def plain_error_page(request: Request, status: int) -> Response:
    """The error page with nothing that could fail again: no template, no database;
    the language from the request alone."""
    state = web_state(request)
    language = request_language(request, state, None)
    gettext = state.translations[language].gettext
    title, message = (gettext(text) for text in MESSAGES.get(status, FALLBACK))
    body = PLAIN_PAGE.format(
        lang=i18n.HTML_LANG[language],
        title=escape(title),
        message=escape(message),
        status=escape(gettext("Error %(status)s") % {"status": status}),
        home=escape(gettext("Go to the overview")),
        css=static_url("fireline.css"),
    )
    return HTMLResponse(body, status_code=status)


def api_language(request: Request) -> str:
    """The language of an API answer: asked for (``?lang=``, the page cookie of a page's
    own requests, ``Accept-Language``), else English, the API's documented language."""
    return i18n.choose_language(
        query=request.query_params.get("lang"),
        cookie=request.cookies.get(i18n.LANGUAGE_COOKIE),
        user_language=None,
        accept_language=request.headers.get("accept-language"),
        default="en",
    )


def localised_problem(request: Request, response: Response) -> Response:
    """A problem document in the client's language: ``title`` always, ``detail`` when
    the catalogue has it, else the status's explanation with the English detail kept
    as ``detail_en`` (an extension member, RFC 9457 section 3.2)."""
    language = api_language(request)
    if language == "en" or response.media_type != PROBLEM_JSON:
        return response
    assert isinstance(response, JSONResponse)
    gettext = web_state(request).translations[language].gettext
    body = json.loads(bytes(response.body))
    status = int(body.get("status") or response.status_code)
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    title = str(body.get("title") or "")
    body["title"] = gettext(
        STATUS_TITLES[status] if title == phrase and status in STATUS_TITLES else title
    )
    detail = str(body.get("detail") or "")
    translated = gettext(detail)
    if translated == detail:
        body["detail_en"] = detail
        translated = gettext(MESSAGES.get(status, FALLBACK)[1])
    body["detail"] = translated
    headers = {k: v for k, v in response.headers.items() if k.lower() not in DROPPED_HEADERS}
    headers["Content-Language"] = i18n.HTML_LANG[language]
    return JSONResponse(
        body, status_code=response.status_code, media_type=PROBLEM_JSON, headers=headers
    )


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


def _for_pages(api_handler: Handler, *, last_resort: bool = False) -> Handler:
    """``last_resort``: the handler of every other exception (``Exception``), which
    Starlette's outermost middleware also calls; it answers, never raises again."""

    async def handle(request: Request, exc: Exception) -> Response:
        if (
            not last_resort
            and isinstance(exc, DBAPIError)
            and (not is_database_down(exc) or retried_later(request, exc))
        ):
            raise exc  # an ordinary server error (a 500, as before), or a GET run again
        if request.url.path.startswith(API_PREFIX):
            return localised_problem(request, await api_handler(request, exc))
        status = _status_of(exc)
        if status == 401:
            return login_redirect(request)
        return error_page(request, status)

    return handle


async def _on_not_logged_in(request: Request, exc: Exception) -> Response:
    return login_redirect(request)


def install_page_errors(app: FastAPI) -> None:
    """Wrap the problem+json handlers already installed so pages get HTML instead."""
    for kind, api_handler in list(app.exception_handlers.items()):
        if isinstance(kind, type):  # every exception class, not the status-code handlers
            wrapped = _for_pages(api_handler, last_resort=kind is Exception)  # type: ignore[arg-type]
            app.add_exception_handler(kind, wrapped)
    app.add_exception_handler(NotLoggedIn, _on_not_logged_in)
