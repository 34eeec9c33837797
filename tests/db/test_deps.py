"""A GET whose deferred transaction cannot take SQLite's write lock is run again."""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from fireline.db.deps import RETRY


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
    assert answer.status_code == 500
    assert calls == [False]
