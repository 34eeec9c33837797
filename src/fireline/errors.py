"""RFC 9457 problem details: every API error is ``application/problem+json``."""

from __future__ import annotations

import logging
import traceback
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from fireline.asgi import ResponseWatch
from fireline.db.deps import RETRY
from fireline.db.engine import is_lock_conflict

PROBLEM_JSON = "application/problem+json"
PROBLEM_SCHEMA = "Problem"

# Every 4xx of the API is a problem document; the OpenAPI description says so once
# for all operations (OpenAPI 3.1, "Responses Object": the 4XX range).
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {
        "description": "The request was refused: a problem document (RFC 9457)",
        "content": {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"}}},
    }
}


class ProblemDocument(BaseModel):
    """The body of every API error (RFC 9457 section 3); members beyond these may follow."""

    model_config = ConfigDict(extra="allow", title=PROBLEM_SCHEMA)

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = Field(
        default=None,
        description="What was refused, one object per problem: loc, msg and type for a "
        "field of the request; path (or line) and message for a part of an uploaded file.",
    )


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
    detail = str(exc.detail)
    if exc.status_code == 413:  # fireline.bodylimit: name the limit
        limit = request.app.state.settings.max_upload_mb
        detail = f"the request body is larger than the limit of {limit} MB"
    return problem_response(Problem(exc.status_code, detail, headers=headers), request)


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


async def _on_recursion(request: Request, exc: Exception) -> JSONResponse:
    # Python's json (and the FHIR parser built on it) recurses once per nesting level and
    # gives up past the interpreter's limit: the body is refused, the server is fine
    # (OWASP API Security Top 10 2023, API4 "Unrestricted Resource Consumption").
    problem = Problem(400, "the body is nested too deeply to be read")
    return problem_response(problem, request)


def document_problems(app: FastAPI) -> None:
    """Add the problem document to the app's OpenAPI components (PROBLEM_RESPONSES refers to it)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components[PROBLEM_SCHEMA] = ProblemDocument.model_json_schema()
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]


# What the driver raises when the server went away or cannot be reached: SQLAlchemy
# wraps psycopg's and sqlite3's OperationalError; InterfaceError is a closed
# connection; TimeoutError is an exhausted pool; PendingRollbackError follows a
# connection lost mid-transaction. Constraint errors are not among them: they stay 500s.
DATABASE_DOWN: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
    sa_exc.PendingRollbackError,
)
# RFC 9110 section 15.6.4: 503 means temporary; Retry-After says when to try again.
RETRY_AFTER_SECONDS = "5"


def database_unavailable() -> Problem:
    return Problem(
        503,
        "the database is unavailable; nothing was saved by this request, try again shortly",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def retried_later(request: Request, exc: Exception) -> bool:
    """A GET whose deferred transaction lost SQLite's write lock is run again by
    ``db.deps.RetryLockConflicts``, outside this handler: not an outage."""
    first_try = request.method in ("GET", "HEAD") and not request.scope.get(RETRY)
    return first_try and is_lock_conflict(exc)


# SQLite's primary result code for a statement it refused (bad SQL, a missing table):
# an OperationalError like an unreachable file, but a fault of the code, not an outage
# (sqlite.org/rescode.html, SQLITE_ERROR).
SQLITE_ERROR = 1


def is_database_down(exc: Exception) -> bool:
    """A lost or unreachable database, not a refused statement (a constraint, bad SQL)."""
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF == SQLITE_ERROR:
        return False
    if isinstance(exc, DATABASE_DOWN):
        return True
    # Any driver error on a connection SQLAlchemy found dead (a closed SQLite file
    # raises ProgrammingError, for instance).
    return isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated


async def _on_database_down(request: Request, exc: Exception) -> JSONResponse:
    if not is_database_down(exc) or retried_later(request, exc):
        raise exc  # an ordinary server error (a 500, as before), or a GET run again
    # The driver's message may hold the host, the SQL or its values: never sent.
    return problem_response(database_unavailable(), request)


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
        watch = ResponseWatch(send)
        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            # The type and the frames only: a driver's message can quote a row (PostgreSQL's
            # "Failing row contains ..."), and a path can hold a name or a link's token.
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("unexpected %s\n%s", type(exc).__name__, frames)
            if watch.started:
                raise  # half a response was sent: only closing the connection ends it
            request = Request(scope, receive)
            handler = request.app.exception_handlers.get(Exception, _on_unexpected)
            try:
                response = await handler(request, exc)
            except Exception:  # the error page itself failed: the plain answer still goes
                response = await _on_unexpected(request, exc)
            await response(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    document_problems(app)
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StaleDataError, _on_stale)
    app.add_exception_handler(RecursionError, _on_recursion)
    for kind in (*DATABASE_DOWN, sa_exc.DBAPIError):
        app.add_exception_handler(kind, _on_database_down)
    app.add_exception_handler(Exception, _on_unexpected)
    app.add_middleware(AnswerEveryError)
