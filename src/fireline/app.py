"""``create_app(settings)``: the ASGI app, the JSON API under /api/v1 and the pages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from fireline import __version__
from fireline.auth.api import router as auth_router
from fireline.care.api import router as care_router
from fireline.clock import SystemClock
from fireline.db.deps import RetryLockConflicts
from fireline.db.engine import DatabaseUnavailable, check_connection, make_engine, session_factory
from fireline.diseases.api import router as diseases_router
from fireline.errors import install_problem_handlers
from fireline.people.api import router as people_router
from fireline.places.api import router as places_router
from fireline.quarantine.api import router as quarantine_router
from fireline.quarantine.jobs import daily_completion
from fireline.quarantine.settings import QuarantineSettings
from fireline.reports.api import router as reports_router
from fireline.response.api import router as response_router
from fireline.response.jobs import response_sweep
from fireline.response.settings import ResponseSettings
from fireline.settings import Settings
from fireline.surveillance.api import router as surveillance_router
from fireline.surveillance.signals.api import router as alerts_router
from fireline.surveillance.signals.jobs import daily_signals
from fireline.surveillance.trends.api import router as trends_router
from fireline.testing.api import router as testing_router
from fireline.testing.pooling.api import router as screening_router
from fireline.tracing.api import router as tracing_router
from fireline.tracing.jobs import link_new_cases
from fireline.tracing.venues.api import router as venues_router
from fireline.web.setup import install_pages
from fireline.zones.api import router as zones_router

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    api = APIRouter(prefix=API_PREFIX)
    routers = (
        auth_router,
        places_router,
        people_router,
        diseases_router,
        reports_router,
        alerts_router,
        trends_router,
        surveillance_router,
        response_router,
        quarantine_router,
        venues_router,
        care_router,
        testing_router,
        screening_router,
        tracing_router,
        zones_router,
    )
    for router in routers:
        api.include_router(router)
    return api


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the app; pass ``engine`` to share one (tests), else one is made from settings."""
    settings = settings or Settings()
    engine = engine or make_engine(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs = []
        if settings.run_scheduler:
            jobs.append(
                asyncio.create_task(daily_signals(app.state.sessions, settings.signals_time))
            )
            responses = ResponseSettings()
            app.state.response_settings = responses
            clock = lambda: app.state.clock.now()  # noqa: E731 - read at each run: tests swap it
            sweep = response_sweep(app.state.sessions, clock, settings, responses)
            jobs.append(asyncio.create_task(sweep))
            jobs.append(asyncio.create_task(link_new_cases(app.state.sessions)))
            at = QuarantineSettings().completion_time
            jobs.append(asyncio.create_task(daily_completion(app.state.sessions, clock, at)))
        yield
        for job in jobs:
            job.cancel()

    app = FastAPI(
        lifespan=lifespan,
        title="Fireline",
        version=__version__,
        summary="Outbreak response for public health departments",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = SystemClock()
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.add_middleware(RetryLockConflicts)  # inside the one that answers every error
    install_problem_handlers(app)
    app.include_router(api_router())

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        try:
            check_connection(engine)
        except DatabaseUnavailable:
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "database": engine.dialect.name})

    install_pages(app, settings)
    return app
