"""RFC 9457 problem details: every API error is ``application/problem+json``."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class Problem(Exception):
    """An error a client can act on; rendered as problem+json by the app."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.type = type_
        self.headers = headers
        self.extensions = extensions


class NotFound(Problem):
    def __init__(self, what: str) -> None:
        super().__init__(404, f"{what} was not found or is outside your jurisdiction")


class Conflict(Problem):
    def __init__(self, detail: str) -> None:
        super().__init__(409, detail)


class Forbidden(Problem):
    def __init__(self, detail: str = "your role does not allow this") -> None:
        super().__init__(403, detail)


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.url.path,
        **problem.extensions,
    }
    return JSONResponse(
        body, status_code=problem.status, media_type=PROBLEM_JSON, headers=problem.headers
    )


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc, request)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(Problem(exc.status_code, str(exc.detail), headers=headers), request)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    problem = Problem(422, "the request is not valid", errors=errors)
    return problem_response(problem, request)


async def _on_stale(request: Request, exc: Exception) -> JSONResponse:
    problem = Conflict("the record was changed by someone else; reload it and try again")
    return problem_response(problem, request)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(Problem(500, "the request could not be completed"), request)


class AnswerEveryError:
    """Turn an exception no handler took into the app's 500 answer, and stop it there.

    Starlette's outermost middleware sends a 500 and then re-raises, and uvicorn
    closes the connection of any request whose app raised: the client's next request
    on that keep-alive connection is reset. Inside it, this answers with the
    ``Exception`` handler (problem+json, or the error page) and logs the error type.
    A keep-alive connection survives a 500 (RFC 9112 section 9.3).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            # The engine hides statement parameters, so the message holds no personal data.
            log.exception("unexpected %s on %s", type(exc).__name__, scope.get("path"))
            if started:
                raise  # half a response was sent: only closing the connection ends it
            request = Request(scope, receive)
            handler = request.app.exception_handlers.get(Exception, _on_unexpected)
            try:
                response = await handler(request, exc)
            except Exception:  # the error page itself failed: the plain answer still goes
                response = await _on_unexpected(request, exc)
            await response(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StaleDataError, _on_stale)
    app.add_exception_handler(Exception, _on_unexpected)
    app.add_middleware(AnswerEveryError)
