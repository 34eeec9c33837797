"""Simulated users for the concurrency benchmark: asyncio httpx clients and their tally.

Each client keeps one keep-alive connection (one ``httpx.AsyncClient`` with one
connection), so a connection the server resets after an error shows up as a
transport error on the next request. Loops are bounded by a deadline; the server
is on the loopback interface only.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np

# Pages a logged-in user clicks through (GET, no path parameters), plus a case's page.
PAGES = (
    "/",
    "/surveillance",
    "/surveillance/cases",
    "/surveillance/imports",
    "/response",
    "/response/list",
    "/response/league",
    "/investigation",
    "/investigation/clusters",
    "/testing",
    "/testing/samples",
    "/testing/results",
    "/quarantine",
    "/care",
    "/zones",
    "/people/matches",
)
PASSWORD = "fireline-demo"  # the demo logins' password (``fireline demo``)


@dataclass
class Tally:
    """Answers by status, transport errors by type, and every answer's latency."""

    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    unexpected: Counter[str] = field(default_factory=Counter)  # "GET /path 500"

    async def call(
        self, client: httpx.AsyncClient, method: str, url: str, expect: int, **kw: Any
    ) -> httpx.Response | None:
        began = time.perf_counter()
        try:
            response = await client.request(method, url, **kw)
        except httpx.TransportError as exc:
            self.errors[type(exc).__name__] += 1
            return None
        self.latencies.append(time.perf_counter() - began)
        self.statuses[str(response.status_code)] += 1
        if response.status_code != expect:
            route = url.split("?")[0].rstrip("0123456789")
            self.unexpected[f"{method} {route} {response.status_code}"] += 1
        return response

    def summary(self) -> dict[str, Any]:
        seconds = np.array(self.latencies or [0.0])
        answers = sum(self.statuses.values())
        expected_or_error = sum(self.unexpected.values())
        return {
            "requests": answers + sum(self.errors.values()),
            "unexpected_answers": expected_or_error,
            "server_errors": sum(n for s, n in self.statuses.items() if s.startswith("5")),
            "connection_errors": sum(self.errors.values()),
            "statuses": dict(self.statuses),
            "errors": dict(self.errors),
            "unexpected": dict(self.unexpected.most_common(8)),
            "p50_ms": round(float(np.percentile(seconds, 50)) * 1000),
            "p95_ms": round(float(np.percentile(seconds, 95)) * 1000),
            "p99_ms": round(float(np.percentile(seconds, 99)) * 1000),
            "max_ms": round(float(seconds.max()) * 1000),
        }


def _client(base: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=60.0)


async def page_login(tally: Tally, client: httpx.AsyncClient, username: str) -> bool:
    """The log-in form, as a browser posts it; success is a 303 and a session cookie."""
    form = {"username": username, "password": PASSWORD, "next": "/"}
    response = await tally.call(client, "POST", "/login", 303, data=form)
    return response is not None and response.status_code == 303


async def api_token(tally: Tally, client: httpx.AsyncClient, username: str) -> str | None:
    body = {"username": username, "password": PASSWORD}
    response = await tally.call(client, "POST", "/api/v1/auth/token", 200, json=body)
    if response is None or response.status_code != 200:
        return None
    token: str = response.json()["access_token"]
    return token


async def reader(
    base: str,
    username: str,
    cases: list[int],
    persons: list[int],
    deadline: float,
    tally: Tally,
    seed: int,
) -> None:
    """Log in (form and token), then read audited personal data; log in again every
    fourth round. Every answer expected is 200 (303 for the form's log-in)."""
    rng = random.Random(seed)
    async with _client(base) as client:
        round_no = 0
        token: str | None = None
        while time.monotonic() < deadline:
            if round_no % 4 == 0:
                client.cookies.clear()
                await page_login(tally, client, username)
                token = await api_token(tally, client, username) or token
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            await tally.call(
                client, "GET", f"/api/v1/persons/{rng.choice(persons)}", 200, headers=headers
            )
            await tally.call(client, "GET", f"/surveillance/cases/{rng.choice(cases)}", 200)
            round_no += 1


async def clicker(
    base: str, username: str, cases: list[int], deadline: float, tally: Tally, seed: int
) -> None:
    """A user on the pages: log in, then open pages and cases at random until the deadline."""
    rng = random.Random(seed)
    async with _client(base) as client:
        await page_login(tally, client, username)
        while time.monotonic() < deadline:
            path = rng.choice(PAGES)
            if rng.random() < 0.3:
                path = f"/surveillance/cases/{rng.choice(cases)}"
            await tally.call(client, "GET", path, 200)


async def readers(
    base: str, users: list[str], cases: list[int], persons: list[int], clients: int, seconds: float
) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    await asyncio.gather(
        *(
            reader(base, users[i % len(users)], cases, persons, deadline, tally, i)
            for i in range(clients)
        )
    )
    return tally


async def clickers(
    base: str, users: list[str], cases: list[int], clients: int, seconds: float
) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    await asyncio.gather(
        *(clicker(base, users[i % len(users)], cases, deadline, tally, i) for i in range(clients))
    )
    return tally
