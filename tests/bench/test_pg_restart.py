"""The pg-restart benchmark's bookkeeping, with this database's sessions ended instead of
the shared cluster restarted (that is for ``python -m bench pg-restart`` alone)."""

from __future__ import annotations

import time

import pytest
from bench.benchmarks import pg_restart
from sqlalchemy import Engine, text

from tests.db.factories import admin_engine


def _simulated_restart(engine: Engine) -> None:
    name = engine.url.database
    admin = admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        time.sleep(1.5)
        connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
    admin.dispose()


@pytest.mark.postgres
def test_users_see_503s_then_every_case_exactly_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Enough work that the users are still at it when the restart comes, 2 s in, on a
    # quiet machine too (with 4 cases each they could all be done before it: no 503).
    monkeypatch.setitem(pg_restart.CASES_EACH, "small", 20)
    found = pg_restart.measure("small", _simulated_restart).as_dict("pg-restart", "small")
    assert found["cases_distinct"] == found["cases_total"] == found["writes_expected"] == 400
    assert found["still_running"] == 0
    assert not pg_restart.broken_promises(found), found["failure_examples"]
    assert found["statuses"].get(503, 0) > 0 and 500 not in found["statuses"]
    assert found["figure_s"] >= 0.5  # 503s for about the 1.5 s connections were refused


def test_a_lost_case_is_a_broken_promise() -> None:
    found: dict[str, object] = {
        "cases_distinct": 79,
        "cases_total": 79,
        "writes_expected": 80,
        "failures": 0,
        "still_running": 0,
    }
    assert pg_restart.broken_promises(found) == ["a case was lost or written twice"]
