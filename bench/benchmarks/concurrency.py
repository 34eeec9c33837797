"""Concurrent use of a served Fireline while a CLI import writes (issue #12, section 2).

On a fresh database (a temporary SQLite file; PostgreSQL too when a server is
configured) holding the demo (``fireline demo --no-serve``: the province, its logins
and an outbreak), a real ``fireline serve`` (uvicorn, with its scheduled jobs) runs
in a subprocess, and asyncio httpx clients on the loopback interface:

1. quiet: the readers of step 2 with nothing else running (the baseline latency);
2. import: 30 clients log in (the form and ``/api/v1/auth/token``) and read audited
   personal data (a person from the API, a case's page) for 30 s while
   ``fireline cases import`` of a 20,000-row file runs in another process (started
   again under a new source whenever it ends, so that it writes throughout);
3. pages: 50 users log in and click through the pages for 60 s.

Expected: every answer 200 (303 for the log-in form), no connection reset. The
figure is the 95th-percentile latency during the import; the baseline the same when
quiet. ``python -m bench concurrency [--scale small]``, or for one database
``python -m bench.benchmarks.concurrency --database sqlite`` (``--postgres URL``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from bench.benchmarks import _load_clients as load
from bench.benchmarks.import_cases import generate, postgres_database, postgres_url, write_csv
from bench.registry import Measurement
from fireline.worker.process import stop

NAME = "concurrency"
DESCRIPTION = "30 readers during a 20,000-row CLI import, then 50 users on the pages"
SCALES = {  # readers, import rows, seconds (quiet, import, pages), page users, demo cases
    "small": (30, 5_000, (5, 10, 15), 50, 500),
    "full": (30, 20_000, (10, 30, 60), 50, 2_000),
}
READERS = (
    "admin",
    "hangzhou-epidemiologist",
    "shangcheng-epidemiologist",
    "hangzhou-investigator",
    "shangcheng-investigator",
)
CLICKERS = ("admin", "hangzhou-epidemiologist", "shangcheng-epidemiologist")
SEED_COUNTY = "330102"  # the demo outbreak starts here: in every reader's scope


def fireline(*args: str, env: dict[str, str], **kw: Any) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from fireline.cli import main; main()", *args]
    return subprocess.Popen(command, env=env, **kw)


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "FIRELINE_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(url: str, log: Path, workers: int = 1) -> Iterator[str]:
    """``fireline serve`` (``--workers``) in a subprocess on a free local port; yields
    the base URL."""
    port = _free_port()
    with log.open("wb") as sink:
        server = fireline(
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            env=_env(url),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                _wait_healthy(base, server)
            except RuntimeError:
                sys.stderr.write(log.read_text(errors="replace")[-3000:])
                raise
            yield base
        finally:
            stop(server)  # SIGTERM; SIGKILL if requests still running hold it past 10 s


def _wait_healthy(base: str, server: subprocess.Popen[bytes], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("fireline serve exited; see its log")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("fireline serve did not answer /healthz")


def _ids(url: str) -> tuple[list[int], list[int]]:
    """Cases and their persons in the seed county, which every reader's scope covers."""
    from fireline.db.engine import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.id, c.person_id FROM cases c JOIN jurisdictions j "
                "ON j.id = c.jurisdiction_id WHERE j.path LIKE :p ORDER BY c.id LIMIT 500"
            ),
            {"p": f"%/{SEED_COUNTY}/%"},
        ).all()
    engine.dispose()
    return [int(r[0]) for r in rows], [int(r[1]) for r in rows]


class Importer:
    """``fireline cases import`` of one file in a loop, each run under a new source."""

    def __init__(self, url: str, path: Path, log: Path) -> None:
        self.env, self.path, self.log = _env(url), path, log
        self.runs: list[dict[str, Any]] = []
        self.stop = False

    async def loop(self) -> None:
        while not self.stop:
            began = time.perf_counter()
            source = f"bench-{len(self.runs)}"
            with self.log.open("ab") as sink:
                process = fireline(
                    "cases",
                    "import",
                    str(self.path),
                    "--disease",
                    "covid19",
                    "--source",
                    source,
                    env=self.env,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                )
                code = await asyncio.to_thread(process.wait)
            self.runs.append({"seconds": round(time.perf_counter() - began, 1), "exit": code})


async def _import_phase(
    base: str,
    url: str,
    csv: Path,
    folder: Path,
    users: list[str],
    ids: tuple[list[int], list[int]],
    clients: int,
    seconds: float,
) -> dict[str, Any]:
    importer = Importer(url, csv, folder / "import.log")
    task = asyncio.create_task(importer.loop())
    await asyncio.sleep(1.0)  # the import is past its start-up and reading the file
    tally = await load.readers(base, users, *ids, clients, seconds)
    importer.stop = True
    await task
    return {**tally.summary(), "imports": importer.runs}


def measure(database: str, scale: str, folder: Path) -> dict[str, Any]:
    clients, rows, (quiet_s, import_s, pages_s), page_users, demo_cases = SCALES[scale]
    with _database(database, folder) as url:
        began = time.perf_counter()
        demo = fireline(
            "demo",
            "--no-serve",
            "--cases",
            str(demo_cases),
            env=_env(url),
            stdout=subprocess.DEVNULL,
        )
        if demo.wait() != 0:
            raise RuntimeError("fireline demo failed")
        ids = _ids(url)
        csv = folder / f"import_{rows}.csv"
        write_csv(generate(rows, [SEED_COUNTY, "330105", "330106"]), csv)
        result: dict[str, Any] = {
            "database": database,
            "setup_s": round(time.perf_counter() - began, 1),
        }
        log = folder / f"serve_{database}.log"
        with served(url, log) as base:
            readers = list(READERS)
            result["quiet"] = asyncio.run(
                load.readers(base, readers, *ids, clients, quiet_s)
            ).summary()
            result["import"] = asyncio.run(
                _import_phase(base, url, csv, folder, readers, ids, clients, import_s)
            )
            result["pages"] = asyncio.run(
                load.clickers(base, list(CLICKERS), ids[0], page_users, pages_s)
            ).summary()
        server_log = log.read_text(errors="replace")
        result["server_log"] = {
            "tracebacks": server_log.count("Traceback"),
            "database_is_locked": server_log.count("database is locked"),
        }
    return result


@contextmanager
def _database(database: str, folder: Path) -> Iterator[str]:
    if database == "sqlite":
        yield f"sqlite:///{folder}/concurrency.db"
        return
    server = postgres_url()
    assert server, "set FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL, or --postgres"
    with postgres_database(server) as url:
        yield url


def run(scale: str) -> Measurement:
    """SQLite, and PostgreSQL when a server is configured; the figure is SQLite's."""
    databases = ["sqlite", "postgresql"] if postgres_url() else ["sqlite"]
    results = {}
    for database in databases:
        with tempfile.TemporaryDirectory() as folder:
            results[database] = measure(database, scale, Path(folder))
    sqlite = results["sqlite"]
    return Measurement(
        sqlite["import"]["p95_ms"] / 1000,
        "p95 latency of the same readers with no import running",
        sqlite["quiet"]["p95_ms"] / 1000,
        results,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--postgres", help="PostgreSQL server URL (a database is made on it)")
    parser.add_argument("--scale", choices=tuple(SCALES), default="full")
    args = parser.parse_args(argv)
    if args.postgres:
        os.environ["FIRELINE_BENCH_POSTGRES_URL"] = args.postgres
    databases = args.database or (["sqlite", "postgresql"] if postgres_url() else ["sqlite"])
    for database in databases:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(measure(database, args.scale, Path(folder))), flush=True)


if __name__ == "__main__":
    main()
