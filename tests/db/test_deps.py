"""A GET whose deferred transaction cannot take SQLite's write lock is run again;
writers wait for the lock without holding the thread pool."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Annotated, Any

import anyio
import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from fireline.db.deps import RETRY, DbSession
from fireline.db.engine import make_engine, session_factory


def conflict(code: int) -> OperationalError:
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorcode = code  # as sqlite3 sets it
    return OperationalError("INSERT INTO audit_events ...", {}, error)


def flaky_app(app_factory: Any, code: int, calls: list[bool]) -> FastAPI:
    """A GET that conflicts on its first run, as an audited read whose snapshot went
    stale does; ``calls`` records whether each run was the retry."""
    app: FastAPI = app_factory()

    def audited(request: Request) -> dict[str, bool]:
        calls.append(bool(request.scope.get(RETRY)))
        if len(calls) == 1:
            raise conflict(code)
        return {"ok": True}

    app.add_api_route("/api/v1/audited", audited)
    return app


def test_a_get_whose_write_conflicts_is_answered_by_its_retry(app_factory: Any) -> None:
    calls: list[bool] = []
    with TestClient(flaky_app(app_factory, 517, calls)) as client:  # SQLITE_BUSY_SNAPSHOT
        answer = client.get("/api/v1/audited")
    assert answer.status_code == 200
    assert calls == [False, True]  # the second run waits for the lock (BEGIN IMMEDIATE)


def test_other_errors_are_not_retried(app_factory: Any) -> None:
    calls: list[bool] = []
    with TestClient(flaky_app(app_factory, 1, calls)) as client:  # SQLITE_ERROR
        answer = client.get("/api/v1/audited")
    assert answer.status_code == 500  # SQLITE_ERROR: a refused statement, not an outage
    assert calls == [False]


def counted(session: DbSession) -> int:
    """A dependency that reads first: the request's transaction begins in its thread."""
    return int(session.execute(text("SELECT count(*) FROM hits")).scalar_one())


def hit(before: Annotated[int, Depends(counted)], session: DbSession) -> dict[str, int]:
    session.execute(text("INSERT INTO hits VALUES (:n)"), {"n": before + 1})
    return {"n": before + 1}


def test_writers_queue_for_the_lock_without_holding_the_thread_pool(tmp_path: Path) -> None:
    """A write transaction begun in a dependency's thread needs another thread for its
    route. With writers waiting for SQLite's lock inside the pool's threads, two
    waiting writers filled a two-thread pool and the lock holder never got its route
    run: every request hung until the 30 s busy timeout."""
    engine = make_engine(f"sqlite:///{tmp_path}/gate.db")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE hits (n INTEGER)")
    app = FastAPI()
    app.state.sessions = session_factory(engine)

    app.add_api_route("/hit", hit, methods=["POST"])

    async def eight_writers() -> list[int]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 2
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            posts = asyncio.gather(*(client.post("/hit") for _ in range(8)))
            return [answer.status_code for answer in await asyncio.wait_for(posts, 15)]

    try:
        assert asyncio.run(eight_writers()) == [200] * 8
        with engine.connect() as connection:
            counts = connection.exec_driver_sql("SELECT n FROM hits ORDER BY n").scalars()
            assert list(counts) == list(range(1, 9))  # one writer at a time: none lost
    finally:
        engine.dispose()
