"""``create_app(settings)``: the ASGI app, the JSON API under /api/v1 and the pages.

The app only serves: scheduled jobs run in ``fireline worker`` (``fireline.worker``), so
any number of web workers can serve one database.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
from collections.abc import AsyncIterator
from typing import Final

from fastapi import APIRouter, FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

import fireline.tables  # noqa: F401  (every table registered: merging persons reads them all)
from fireline import __version__
from fireline.auth.api import router as auth_router
from fireline.bodylimit import BodyLimit
from fireline.care.api import router as care_router
from fireline.clock import SystemClock
from fireline.db.deps import RetryLockConflicts
from fireline.db.engine import DatabaseUnavailable, check_connection, make_engine, session_factory
from fireline.diseases.api import router as diseases_router
from fireline.errors import PROBLEM_RESPONSES, install_problem_handlers
from fireline.exports.api import router as exports_router
from fireline.interop.limits import MB
from fireline.jurisdictions.api import router as places_router
from fireline.people.api import router as people_router
from fireline.quarantine.api import router as quarantine_router
from fireline.quarantine.positives.api import router as positives_router
from fireline.reports.api import router as reports_router
from fireline.reports.sitrep.api import router as sitrep_router
from fireline.response.api import router as response_router
from fireline.settings import Settings
from fireline.surveillance.api import router as surveillance_router
from fireline.surveillance.signals.api import router as alerts_router
from fireline.surveillance.trends.api import router as trends_router
from fireline.testing.api import router as testing_router
from fireline.testing.pooling.api import router as screening_router
from fireline.tracing.api import router as tracing_router
from fireline.tracing.venues.api import router as venues_router
from fireline.web.apidocs import install_api_docs
from fireline.web.headers import SecurityHeaders
from fireline.web.setup import install_pages
from fireline.work.api import router as work_router
from fireline.zones.api import router as zones_router

API_PREFIX = "/api/v1"
# Answers smaller than this go as they are: a TCP segment carries them either way.
GZIP_MINIMUM_BYTES: Final = 1024
# zlib's default level: close to level 9's size at a fraction of its CPU (zlib manual).
GZIP_LEVEL: Final = 6


def api_router() -> APIRouter:
    api = APIRouter(prefix=API_PREFIX, responses=PROBLEM_RESPONSES)
    routers = (
        auth_router,
        places_router,
        people_router,
        diseases_router,
        reports_router,
        sitrep_router,
        alerts_router,
        trends_router,
        surveillance_router,
        response_router,
        quarantine_router,
        positives_router,
        venues_router,
        care_router,
        testing_router,
        screening_router,
        tracing_router,
        zones_router,
        work_router,
        exports_router,
    )
    for router in routers:
        api.include_router(router)
    return api


# The models of the file parsers: tens of thousands of objects (fhir.resources alone).
PARSER_MODULES: Final = ("fhir.resources.R4B.bundle", "openpyxl", "pyarrow.csv")


def prepare_parsers() -> None:
    """Import the parsers' models at start-up, then freeze the heap (Python docs,
    ``gc.freeze``): the first upload would otherwise import them holding the GIL, and
    every full collection would walk them, stalling all threads (measured 0.3-0.4 s
    during a 4,500-entry Bundle; none over 50 ms once frozen)."""
    for name in PARSER_MODULES:
        importlib.import_module(name)
    gc.freeze()


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the app; pass ``engine`` to share one (tests), else one is made from settings."""
    settings = settings or Settings()
    engine = engine or make_engine(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        prepare_parsers()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="Fireline",
        version=__version__,
        summary="Outbreak response for public health departments",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # install_api_docs serves Swagger UI from /static, not a CDN
        redoc_url=None,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_mb * MB)
    app.state.settings = settings
    app.state.clock = SystemClock()
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.add_middleware(RetryLockConflicts)  # inside the one that answers every error
    install_problem_handlers(app)
    # Pages and lists compressed for a client that asks (Accept-Encoding); Server-Sent
    # Events are never buffered (Starlette leaves text/event-stream alone). BREACH
    # (breachattack.com) needs the victim's browser to send many cross-site requests
    # with the session: the session cookie is SameSite=Lax, which withholds it from
    # cross-site subrequests (RFC 6265bis, section 8.8).
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)
    # Outermost, so that the 500 answered by errors.AnswerEveryError carries them too.
    app.add_middleware(SecurityHeaders, https=settings.secure_cookies)
    app.include_router(api_router())

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        try:
            check_connection(engine)
        except DatabaseUnavailable:
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "database": engine.dialect.name})

    install_api_docs(app, f"{API_PREFIX}/docs")
    install_pages(app, settings)
    return app
