"""Users clicking through a served Fireline: per-page latency, errors, saturation (issue #17).

A real ``fireline serve --workers N`` (uvicorn) runs in a subprocess on a database
given by URL or on a fresh demo (``fireline demo --no-serve``: SQLite by default,
PostgreSQL with ``--postgres URL``). Simulated users (asyncio httpx, one keep-alive
connection each) open the log-in page, post the form and keep the session cookie it
sets; API routes are read with a token from ``/api/v1/auth/token``. Each user clicks
after an exponential think time through the mix of ``_serve_mix.MIX``, across roles
and places (the province's admin, Hangzhou's and Shangcheng's demo logins, and on a
fresh demo an epidemiologist and an investigator for each of the next busiest
counties). One more client fetches a static file throughout: the machine's own
baseline in the same run.

The figure is the worst page's p95; the baseline the static file's p95. With
``--saturation`` the same users then click ever faster, step by step, and the rate at
which p95 passes 1 s is reported.

``python -m bench serve-load [--scale small]``, or with options
``python -m bench.benchmarks.serve_load --users 50 --think 2 --duration 60 --workers 2
[--database-url URL | --postgres URL] [--saturation]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from bench.benchmarks import _cpu
from bench.benchmarks import _serve_mix as mix
from bench.benchmarks._load_clients import PASSWORD, _client
from bench.benchmarks.concurrency import _database, _env, fireline, served
from bench.benchmarks.import_cases import postgres_url
from bench.machine import describe
from bench.registry import Measurement
from fireline.worker.process import stop

NAME = "serve-load"
DESCRIPTION = "users log in and click through the pages of `fireline serve`: p50/p95/p99 per page"


@dataclass(frozen=True)
class Plan:
    """How hard and how long: users, mean think time, seconds, web workers, demo cases."""

    users: int
    think_s: float
    seconds: float
    workers: int = 2
    demo_cases: int = 3000
    saturation: bool = False
    step_s: float = 15.0
    with_worker: bool = True
    warm: bool = True


# The loads: 50 users every 2 s on SQLite, 200 every 5 s on PostgreSQL.
SCALES = {
    "small": {"sqlite": Plan(20, 2.0, 20, demo_cases=500), "postgresql": Plan(40, 5.0, 20)},
    "full": {"sqlite": Plan(50, 2.0, 90), "postgresql": Plan(200, 5.0, 90)},
}
EXTRA_COUNTIES = 4  # the busiest counties after the seed get two users each
EXTRA_ROLES = ("epidemiologist", "investigator")
CASES_PER_SCOPE = 400
TARGET_P95_MS = 300  # every page (issue #17)


def _scope_ids(connection: Any, code: str | None, table: str) -> tuple[int, ...]:
    where = "" if code is None else "WHERE j.path LIKE :p"
    rows = connection.execute(
        text(
            f"SELECT t.id FROM {table} t JOIN jurisdictions j ON j.id = t.jurisdiction_id "
            f"{where} ORDER BY t.id LIMIT {CASES_PER_SCOPE}"
        ),
        {"p": f"%/{code}/%"},
    )
    return tuple(int(r[0]) for r in rows)


def _add_county_users(url: str) -> None:
    """An epidemiologist and an investigator for each of the busiest counties but the
    seed (whose users the demo has), with the demo's password."""
    from fireline.auth.scope import system_actor
    from fireline.auth.service import create_user
    from fireline.db.engine import make_engine, session_factory, transaction

    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        codes = session.execute(
            text(
                "SELECT j.code FROM cases c JOIN jurisdictions j ON j.id = c.jurisdiction_id "
                "WHERE j.level = 'county' AND j.code <> '330102' GROUP BY j.code "
                "ORDER BY count(*) DESC LIMIT :n"
            ),
            {"n": EXTRA_COUNTIES},
        ).scalars()
        for code in list(codes):
            for role in EXTRA_ROLES:
                create_user(
                    session,
                    system_actor(),
                    username=f"bench-{code}-{role}",
                    password=PASSWORD,
                    role=role,
                    jurisdiction_code=code,
                )
    engine.dispose()


def load_users(url: str, count: int) -> list[mix.User]:
    """``count`` users over the logins with the demo password, each with the case and
    campaign ids its scope holds."""
    from fireline.auth.roles import PERMISSIONS
    from fireline.db.engine import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        logins = connection.execute(
            text(
                "SELECT u.username, u.role, j.code, j.level FROM users u JOIN jurisdictions j "
                "ON j.id = u.jurisdiction_id WHERE u.username = 'admin' "
                "OR u.username LIKE 'hangzhou-%' OR u.username LIKE 'shangcheng-%' "
                "OR u.username LIKE 'bench-%' ORDER BY u.username"
            )
        ).all()
        scopes: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        for _name, _role, code, level in logins:
            key = None if level == "province" else code
            scopes[code] = (
                _scope_ids(connection, key, "cases"),
                _scope_ids(connection, key, "screening_campaigns"),
            )
    engine.dispose()
    people = [
        mix.User(name, PERMISSIONS[role], *scopes[code]) for name, role, code, _level in logins
    ]
    return [people[i % len(people)] for i in range(count)]


async def _timed(
    tally: mix.PageTally, client: httpx.AsyncClient, page: str, method: str, url: str, **kw: Any
) -> httpx.Response | None:
    began = time.perf_counter()
    try:
        response = await client.request(method, url, **kw)
    except httpx.TransportError as exc:
        tally.record(page, time.perf_counter() - began, None, type(exc).__name__)
        return None
    tally.record(page, time.perf_counter() - began, response.status_code)
    return response


async def log_in(tally: mix.PageTally, client: httpx.AsyncClient, user: mix.User) -> str | None:
    """The log-in page, its form posted as a browser does (the session cookie is kept
    by the client), then a bearer token for the API lists."""
    await _timed(tally, client, "login", "GET", "/login")
    form = {"username": user.username, "password": PASSWORD, "next": "/"}
    await _timed(tally, client, "login", "POST", "/login", data=form)
    body = {"username": user.username, "password": PASSWORD}
    answer = await _timed(tally, client, "login", "POST", "/api/v1/auth/token", json=body)
    if answer is None or answer.status_code != 200:
        return None
    token: str = answer.json()["access_token"]
    return token


@dataclass
class Phase:
    """A stretch of clicking at one mean think time, with its own tally."""

    think_s: float
    begins: float  # time.monotonic()
    ends: float
    tally: mix.PageTally = field(default_factory=mix.PageTally)


class Gate:
    """The clicking starts once every user has logged in: a log-in's argon2id hash
    (64 MiB) would otherwise be timed into the pages clicked beside it."""

    def __init__(self, users: int, phases: list[Phase]) -> None:
        self.waiting, self.phases, self.open = users, phases, asyncio.Event()

    def logged_in(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            late = max(0.0, time.monotonic() + 1.0 - self.phases[0].begins)
            for phase in self.phases:
                phase.begins += late
                phase.ends += late
            self.open.set()


async def user_loop(
    base: str, user: mix.User, seed: int, ramp_s: float, gate: Gate, logins: mix.PageTally
) -> None:
    """Log in at a random moment of the ramp, then click through each phase after
    exponential think times; stop early when the phases are cut short."""
    rng = random.Random(seed)
    async with _client(base) as client:
        await asyncio.sleep(rng.uniform(0, ramp_s))  # users arrive spread out
        token = await log_in(logins, client, user)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        gate.logged_in()
        await gate.open.wait()
        for phase in gate.phases:
            await asyncio.sleep(max(0.0, phase.begins - time.monotonic()))
            while True:
                await asyncio.sleep(mix.think_time(rng, phase.think_s))
                if time.monotonic() >= phase.ends:
                    break
                click, url = mix.next_click(user, rng)
                extra = {"headers": headers} if click.api else {}
                await _timed(phase.tally, client, click.page, "GET", url, **extra)


async def one_by_one(base: str, user: mix.User, repeats: int = 3) -> dict[str, float]:
    """Each page the user may open, ``repeats`` times in a row, alone on the server:
    the median milliseconds per page (``--probe``: what a page costs without load)."""
    medians: dict[str, float] = {}
    async with _client(base) as client:
        tally = mix.PageTally()
        token = await log_in(tally, client, user)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for click in mix.clicks_for(user):
            url = click.url.format(
                case=user.cases[0] if user.cases else 0,
                campaign=user.campaigns[0] if user.campaigns else 0,
            )
            for _ in range(repeats):
                extra = {"headers": headers} if click.api else {}
                await _timed(tally, client, click.page, "GET", url, **extra)
        for page, figures in tally.summary(1.0)["pages"].items():
            medians[page] = figures["p50_ms"]
    return medians


def probe(url: str, usernames: list[str], folder: Path, *, warm: bool = True) -> dict[str, Any]:
    """The ``--probe`` figures: per user, each page's median alone on one worker."""
    users = {u.username: u for u in load_users(url, 10_000) if u.username in usernames}
    warmed_s = warm_figures(url) if warm else 0.0
    with served(url, folder / "serve.log", workers=1) as base:
        pages = {name: asyncio.run(one_by_one(base, users[name])) for name in usernames}
    return {"probe": pages, "warm_figures_s": round(warmed_s, 1)}


async def baseline_loop(base: str, gate: Gate) -> None:
    await gate.open.wait()
    async with _client(base) as client:
        for phase in gate.phases:
            await asyncio.sleep(max(0.0, phase.begins - time.monotonic()))
            while time.monotonic() < phase.ends:
                await _timed(phase.tally, client, mix.BASELINE_PAGE, "GET", mix.BASELINE_URL)
                await asyncio.sleep(0.5)


async def cpu_during(gate: Gate, into: dict[str, float]) -> None:
    """CPU seconds per process group over the first phase (the figures' own window)."""
    await gate.open.wait()
    first = gate.phases[0]
    await asyncio.sleep(max(0.0, first.begins - time.monotonic()))
    before, busy = _cpu.sample(), _cpu.machine()
    await asyncio.sleep(max(0.0, first.ends - time.monotonic()))
    into.update(_cpu.spent(before, _cpu.sample()))
    after = _cpu.machine()
    into["machine busy"] = round(after[0] - busy[0], 1)
    into["machine idle"] = round(after[1] - busy[1], 1)
    into["seconds"] = round(first.ends - first.begins, 1)


async def _cut_short(gate: Gate) -> None:
    """After each saturation step, end the rest once p95 has passed 1 s."""
    await gate.open.wait()
    phases = gate.phases[1:]
    for number, phase in enumerate(phases):
        await asyncio.sleep(max(0.0, phase.ends - time.monotonic()))
        if (phase.tally.summary(1.0)["all"].get("p95_ms") or 0) > 1000:
            now = time.monotonic()
            for later in phases[number + 1 :]:
                later.begins = later.ends = now
            return


def _ramp(users: int) -> float:
    """Seconds over which users log in (argon2id makes a log-in cost ~0.1 s of CPU)."""
    return min(40.0, max(5.0, users * 0.2))


async def clicking(base: str, users: list[mix.User], plan: Plan) -> dict[str, Any]:
    """Users log in over a ramp, then click for ``plan.seconds`` at ``plan.think_s``;
    with ``plan.saturation``, then in steps of half the think time each."""
    ramp = _ramp(len(users))
    begins = time.monotonic() + ramp + 2.0
    thinks = [plan.think_s]
    if plan.saturation:
        thinks += [plan.think_s / 2**k for k in range(1, 7) if plan.think_s / 2**k >= 0.05]
    phases: list[Phase] = []
    for number, think in enumerate(thinks):
        length = plan.seconds if number == 0 else plan.step_s
        phases.append(Phase(think, begins, begins + length))
        begins += length
    logins = mix.PageTally()
    gate = Gate(len(users), phases)
    cpu: dict[str, float] = {}
    await asyncio.gather(
        baseline_loop(base, gate),
        _cut_short(gate),
        cpu_during(gate, cpu),
        *(user_loop(base, u, i, ramp, gate, logins) for i, u in enumerate(users)),
    )
    first = phases[0]
    result: dict[str, Any] = {
        "users": len(users),
        "think_s": plan.think_s,
        "offered_per_s": round(len(users) / plan.think_s, 1),
        "login": logins.summary(ramp)["pages"].get("login", {})
        | {"errors": sum(logins.errors.values())},
        **first.tally.summary(first.ends - first.begins),
        "cpu_s": cpu,
    }
    if plan.saturation:
        result["saturation"] = _steps(len(users), phases[1:])
    return result


def _steps(users: int, phases: list[Phase]) -> dict[str, Any]:
    steps = []
    for phase in phases:
        if phase.ends <= phase.begins:
            break
        summary = phase.tally.summary(phase.ends - phase.begins)
        steps.append(
            {
                "offered_per_s": round(users / phase.think_s, 1),
                "pages_per_s": summary["pages_per_s"],
                "p95_ms": summary["all"].get("p95_ms"),
                "errors": summary["errors"],
            }
        )
    return {"steps": steps, "saturation_per_s": mix.saturation_rate(steps)}


@contextmanager
def demo_database(database: str, folder: Path, cases: int) -> Iterator[str]:
    """A fresh database with the demo (``fireline demo --no-serve``) and county users."""
    with _database(database, folder) as url:
        demo = fireline(
            "demo", "--no-serve", "--cases", str(cases), env=_env(url), stdout=subprocess.DEVNULL
        )
        if demo.wait() != 0:
            raise RuntimeError("fireline demo failed")
        _add_county_users(url)
        yield url


def warm_figures(url: str) -> float:
    """``fireline worker --once refresh-figures``: the slow figures made ahead of the
    users, as a worker running beside the server keeps them; returns its seconds."""
    began = time.perf_counter()
    job = fireline("worker", "--once", "refresh-figures", env=_env(url), stdout=subprocess.DEVNULL)
    if job.wait() != 0:
        raise RuntimeError("fireline worker --once refresh-figures failed")
    return time.perf_counter() - began


@contextmanager
def beside_worker(url: str, log: Path) -> Iterator[None]:
    """``fireline worker`` for the length of the block, its output in ``log``; the block
    starts after its first response sweep, the full evidence check a worker makes when
    it starts (then it checks only what changed: a worker that has run a while)."""
    with log.open("wb") as sink:
        process = fireline("worker", env=_env(url), stdout=sink, stderr=subprocess.STDOUT)
        try:
            _wait_for(log, "response-sweep:", process)
            yield
        finally:
            stop(process)


def _wait_for(log: Path, line: str, process: subprocess.Popen[bytes], limit: float = 900) -> None:
    deadline = time.monotonic() + limit
    while line not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"fireline worker: no {line!r} in its log")
        time.sleep(1.0)


def measure(url: str, plan: Plan, folder: Path) -> dict[str, Any]:
    users = load_users(url, plan.users)
    log = folder / "serve.log"
    warmed_s = warm_figures(url) if plan.warm else 0.0
    # The worker runs beside the server, as in production: its sweep, its refreshes.
    worker = beside_worker(url, folder / "worker.log") if plan.with_worker else nullcontext()
    with worker, served(url, log, workers=plan.workers) as base:
        result: dict[str, Any] = {
            "database": url.split(":", 1)[0].split("+")[0],
            "workers": plan.workers,
            "with_worker": plan.with_worker,
            "seconds": plan.seconds,
            "warm_figures_s": round(warmed_s, 1),
            **asyncio.run(clicking(base, users, plan)),
        }
    server_log = log.read_text(errors="replace")
    result["server_log"] = {
        "tracebacks": server_log.count("Traceback"),
        "database_is_locked": server_log.count("database is locked"),
    }
    return result


def run(scale: str) -> Measurement:
    """A fresh demo on SQLite (and PostgreSQL when a server is configured); the figure
    is SQLite's worst page p95, the baseline its static file's p95."""
    databases = ["sqlite", "postgresql"] if postgres_url() else ["sqlite"]
    results: dict[str, Any] = {}
    for database in databases:
        plan = SCALES[scale][database]
        with (
            tempfile.TemporaryDirectory() as name,
            demo_database(database, Path(name), plan.demo_cases) as url,
        ):
            results[database] = measure(url, plan, Path(name))
    return to_measurement(results[databases[0]], results)


def to_measurement(first: dict[str, Any], results: dict[str, Any]) -> Measurement:
    """The figure: the worst page's p95 (log-in aside); the baseline: the static
    file's p95 in the same run; the issue's target beside them."""
    return Measurement(
        (first["slowest_p95_ms"] or 0) / 1000,
        "p95 of a static file in the same run (no database)",
        first["pages"].get(mix.BASELINE_PAGE, {}).get("p95_ms", 0) / 1000,
        {"target_p95_ms": TARGET_P95_MS, "results": results},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", help="an existing database (with the demo logins)")
    parser.add_argument("--postgres", help="PostgreSQL server URL: a demo database is made on it")
    parser.add_argument("--scale", choices=tuple(SCALES), default="full")
    parser.add_argument("--users", type=int)
    parser.add_argument("--think", type=float, help="mean seconds between a user's clicks")
    parser.add_argument("--duration", type=float, help="seconds of clicking")
    parser.add_argument("--workers", type=int, default=2, help="fireline serve --workers")
    parser.add_argument("--cases", type=int, help="cases in a fresh demo")
    parser.add_argument("--saturation", action="store_true", help="then raise the rate")
    parser.add_argument(
        "--no-worker", action="store_true", help="no `fireline worker` beside the server"
    )
    parser.add_argument(
        "--no-warm", action="store_true", help="use the figures already remembered as they are"
    )
    parser.add_argument(
        "--probe", help="USER,USER: each page alone, 3 times, for each user (no load)"
    )
    args = parser.parse_args(argv)
    database = (
        "postgresql"
        if args.postgres or (args.database_url or "").startswith("postgres")
        else "sqlite"
    )
    base = SCALES[args.scale][database]
    plan = Plan(
        args.users or base.users,
        args.think or base.think_s,
        args.duration or base.seconds,
        args.workers,
        args.cases or base.demo_cases,
        args.saturation,
        with_worker=not args.no_worker,
        warm=not args.no_warm,
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if args.database_url and args.probe:
            result = probe(args.database_url, args.probe.split(","), folder, warm=plan.warm)
        elif args.database_url:
            result = measure(args.database_url, plan, folder)
        else:
            if args.postgres:
                import os

                os.environ["FIRELINE_BENCH_POSTGRES_URL"] = args.postgres
            with demo_database(database, folder, plan.demo_cases) as url:
                result = measure(url, plan, folder)
    print(json.dumps({"name": NAME, **result, "machine": describe()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
