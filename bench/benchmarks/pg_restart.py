"""Restart the PostgreSQL cluster while 20 users report and read cases through the API.

What is measured: how long the users were refused (from the first 503 any user got
to the last one), against the restart itself
(``pg_ctlcluster VERSION main restart`` for the installed version, or
``FIRELINE_BENCH_PG_CLUSTER``). What must
hold: every refusal is a 503 problem+json (no 500, no dropped connection), the app
recovers without a restart of its own, and every case is there exactly once
(each user retries a write until it is created, 201, or found already created,
409 on the same source and external ID).

It stops and starts the shared cluster: run it when no one else's tests are running.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, select

from bench.benchmarks._browser import served
from bench.benchmarks.import_cases import county_codes, fresh_database
from bench.registry import Measurement

NAME = "pg-restart"
DESCRIPTION = "restart PostgreSQL under 20 API users: refusal time vs the restart itself"
USERS = 20
CASES_EACH = {"small": 10, "full": 40}
PASSWORD = "bench-password-1"
SOURCE = "pg-restart-bench"


@dataclass(eq=False)  # a Thread is hashed by identity
class User(threading.Thread):
    base: str
    token: str
    number: int
    county: str
    cases: int
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    successes: list[float] = field(default_factory=list)
    refusals: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(daemon=True)

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base, headers=headers, timeout=60) as client:
            for n in range(self.cases):
                self._write(client, n)
                self._call(client, "GET", "/api/v1/cases?limit=5")
                time.sleep(0.05)

    def _write(self, client: httpx.Client, n: int) -> None:
        body = {
            "disease": "covid19",
            "jurisdiction_code": self.county,
            "source": SOURCE,
            "external_id": f"U{self.number}-{n}",
            "date_reporting": date.today().isoformat(),
            "person": {"name": f"Bench user {self.number} case {n}"},
        }
        while self._call(client, "POST", "/api/v1/cases", body) not in (201, 409):
            time.sleep(0.2)

    def _call(self, client: httpx.Client, method: str, url: str, body: object = None) -> int:
        try:
            response = client.request(method, url, json=body)
        except httpx.HTTPError as exc:
            self.failures.append(f"{method} {url}: {type(exc).__name__}")
            return 0
        self.statuses[response.status_code] += 1
        if response.status_code == 503 and "problem+json" in response.headers["content-type"]:
            self.refusals.append(time.monotonic())
            return 503
        if response.status_code >= 400 and response.status_code != 409:
            self.failures.append(f"{method} {url}: {response.status_code}")
        elif method == "POST":
            self.successes.append(time.monotonic())
        return response.status_code


def cluster_restart(engine: Engine) -> None:
    # Debian's layout: one folder per installed major version (as .ci/run reads it).
    installed = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    default = f"{installed[-1] if installed else '15'} main"
    version, name = os.environ.get("FIRELINE_BENCH_PG_CLUSTER", default).split()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"],
        check=True,
        timeout=120,
    )


def _users(engine: Engine, base: str, cases: int) -> list[User]:
    from fireline.auth.scope import system_actor
    from fireline.auth.service import create_user
    from fireline.db.engine import session_factory, transaction

    county = next(iter(county_codes(engine)))
    with transaction(session_factory(engine)) as session:
        for i in range(USERS):
            create_user(
                session,
                system_actor(),
                username=f"bench{i}",
                password=PASSWORD,
                role="investigator",
                jurisdiction_code=county,
            )
    users = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for i in range(USERS):
            token = client.post(
                "/api/v1/auth/token", json={"username": f"bench{i}", "password": PASSWORD}
            )
            token.raise_for_status()
            users.append(User(base, token.json()["access_token"], i, county, cases))
    return users


def _cases(engine: Engine) -> tuple[int, int]:
    from fireline.surveillance.models import Case

    with engine.connect() as connection:
        rows = connection.execute(
            select(Case.external_id, func.count())
            .where(Case.source == SOURCE)
            .group_by(Case.external_id)
        ).all()
    return len(rows), sum(int(n) for _, n in rows)


def measure(scale: str, restart: Callable[[Engine], None]) -> Measurement:
    from fireline.app import create_app
    from fireline.settings import Settings

    cases = CASES_EACH[scale]
    with (
        tempfile.TemporaryDirectory() as folder,
        fresh_database("postgresql", Path(folder)) as engine,
    ):
        app = create_app(
            Settings(database_url=str(engine.url.render_as_string(False))), engine=engine
        )
        with served(app) as base:
            users = _users(engine, base, cases)
            for user in users:
                user.start()
            time.sleep(2.0)  # the users are at work before the restart
            began = time.monotonic()
            restart(engine)
            restarted = time.monotonic() - began
            for user in users:
                user.join(timeout=600)
        distinct, total = _cases(engine)
    refusals = [t for u in users for t in u.refusals]
    refused = (max(refusals) - min(refusals)) if refusals else 0.0
    statuses = sum((u.statuses for u in users), Counter[int]())
    failures = [f for u in users for f in u.failures]
    return Measurement(
        refused,
        "the cluster restart itself",
        restarted,
        {
            "users": USERS,
            "writes_expected": USERS * cases,
            "cases_distinct": distinct,
            "cases_total": total,
            "statuses": dict(sorted(statuses.items())),
            "failures": len(failures),
            "failure_examples": sorted(set(failures))[:5],
            "still_running": sum(u.is_alive() for u in users),
        },
    )


def broken_promises(found: dict[str, object]) -> list[str]:
    """What section 10 of issue #12 promises and this run did not keep (empty: all kept)."""
    wrong = []
    if not found["cases_distinct"] == found["cases_total"] == found["writes_expected"]:
        wrong.append("a case was lost or written twice")
    if found["failures"] or found["still_running"]:
        wrong.append("a request failed otherwise than with a 503 problem+json, or hung")
    return wrong


def run(scale: str) -> Measurement:
    """The measurement; exits non-zero (CI) when a promise was broken."""
    measurement = measure(scale, cluster_restart)
    wrong = broken_promises(measurement.detail)
    if wrong:
        raise SystemExit(f"pg-restart: {'; '.join(wrong)}: {measurement.detail}")
    return measurement
