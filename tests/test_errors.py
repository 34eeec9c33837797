"""What errors.py makes of failures: hostile input gets a 4xx problem document, never a
500, and changes nothing; a database outage is a clean 503 (problem+json on the API, a
page in the user's language) and the app recovers by itself without losing or doubling
a write; an exception no handler takes becomes the app's 500, and the connection lives
on."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench.benchmarks._browser import served
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fireline.app import create_app
from fireline.db.engine import make_engine
from fireline.errors import PROBLEM_JSON
from fireline.settings import Settings
from fireline.surveillance.models import Case
from tests.auth.factories import PASSWORD, bearer, make_user
from tests.conftest import BACKENDS
from tests.db.factories import admin_engine, killed_at, own_engine
from tests.places.factories import small_tree
from tests.web.browser import serve
from tests.web.pages import log_in

# ---- Hostile input -------------------------------------------------------------

BEYOND_64_BITS = 2**64 + 1
CASE = {"disease": "covid19", "jurisdiction_code": "C1A", "person": {"name": "Ann Edge"}}


@pytest.fixture
def api(app_factory: Any, session: Session) -> Iterator[tuple[TestClient, dict[str, str]]]:
    small_tree(session)
    session.commit()
    make_user(session, "county", "admin", "C1A")
    # raise_server_exceptions=False: a 500 is an answer to assert on, not a crash
    with TestClient(app_factory(), raise_server_exceptions=False) as client:
        yield client, bearer(client, "county")


def cases(session: Session) -> int:
    return int(session.scalar(select(func.count(Case.id))) or 0)


def refused(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/cases/{BEYOND_64_BITS}",
        f"/api/v1/persons/{BEYOND_64_BITS}",
        f"/api/v1/quarantine/orders/{BEYOND_64_BITS}",
        f"/api/v1/cases?offset={BEYOND_64_BITS}",
        f"/api/v1/quarantine/due?assignee_id={BEYOND_64_BITS}",
        "/api/v1/cases?limit=-1",
        "/api/v1/cases?offset=-1",
    ],
)
def test_integers_out_of_range_in_path_and_query(api: Any, url: str) -> None:
    client, headers = api
    body = refused(client.get(url, headers=headers))
    assert body["errors"][0]["loc"][0] in ("path", "query")


def test_integer_beyond_64_bits_in_a_body(api: Any, session: Session) -> None:
    client, headers = api
    order = {"case_id": BEYOND_64_BITS, "kind": "home"}
    body = refused(client.post("/api/v1/quarantine/isolations", json=order, headers=headers))
    assert body["errors"][0]["loc"] == ["body", "case_id"]


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_outside_1900_2100_are_refused(api: Any, session: Session, day: str) -> None:
    client, headers = api
    new = {**CASE, "date_reporting": day}
    body = refused(client.post("/api/v1/cases", json=new, headers=headers))
    assert body["errors"][0]["loc"] == ["body", "date_reporting"]
    assert "1900" in body["errors"][0]["msg"]
    assert cases(session) == 0
    league = client.get("/api/v1/responses/league", params={"start": day}, headers=headers)
    assert refused(league)["errors"][0]["loc"] == ["query", "start"]


def test_the_edges_of_the_range_are_accepted(api: Any, session: Session) -> None:
    client, headers = api
    new = {**CASE, "date_reporting": "1900-01-01"}
    made = client.post("/api/v1/cases", json=new, headers=headers)
    assert made.status_code == 201, made.text
    assert cases(session) == 1
    week = {"start": "2100-12-25", "end": "2100-12-31"}
    assert client.get("/api/v1/responses/league", params=week, headers=headers).status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v1/cases", "/api/v1/lab-results/fhir", "/api/v1/quarantine/orders"]
)
def test_json_nested_100000_deep(api: Any, session: Session, url: str) -> None:
    client, headers = api
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    sent = client.post(url, content=deep, headers={**headers, "content-type": "application/json"})
    refused(sent, 400)
    assert cases(session) == 0


def test_every_operation_documents_its_problem_documents(api: Any) -> None:
    client, _ = api
    spec = client.get("/api/v1/openapi.json").json()
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation["responses"]["4XX"]["content"]
            assert content == {PROBLEM_JSON: {"schema": problem}}, f"{method} {path}"
            assert "422" not in operation["responses"], f"{method} {path}"
    assert set(spec["components"]["schemas"]["Problem"]["required"]) >= {"status", "detail"}


# ---- A database outage ------------------------------------------------------------


def _assert_clean_outage(api: httpx.Response, page: httpx.Response, zh: httpx.Response) -> None:
    assert api.status_code == 503 and api.headers["content-type"] == "application/problem+json"
    body = api.json()
    assert body["status"] == 503 and body["title"] == "Service Unavailable"
    assert "database is unavailable" in body["detail"] and api.headers["retry-after"]
    # No driver text reaches a user: no SQL, no host, no exception name.
    assert "psycopg" not in api.text and "sqlite" not in api.text and "SELECT" not in api.text
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "Service unavailable" in page.text and "was not saved" in page.text
    assert "Traceback" not in page.text and "SELECT" not in page.text
    assert zh.status_code == 503 and "服务暂不可用" in zh.text


def test_an_unreachable_sqlite_file_is_a_503_not_a_500(tmp_path: Path) -> None:
    # A directory where the database file should be: sqlite3 cannot open it.
    engine = make_engine(f"sqlite:///{tmp_path}")
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    cookies = {"fireline_session": "not-checked"}
    with serve(app) as base, httpx.Client(base_url=base, cookies=cookies) as client:
        api = client.get("/api/v1/cases", headers={"Authorization": "Bearer not-checked"})
        page = client.get("/surveillance/cases")
        zh = client.get("/surveillance/cases?lang=zh")
    _assert_clean_outage(api, page, zh)


# ---- PostgreSQL: a restart simulated by refusing and killing this database's sessions.

WORKERS = 8
CASES_EACH = 12


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """A migrated PostgreSQL database of this test's own, and an admin engine."""
    with own_engine("postgresql", tmp_path) as engine:
        _ann_in_c1a(engine)
        admin = admin_engine()
        try:
            yield engine, admin
        finally:
            admin.dispose()


def _ann_in_c1a(engine: Engine) -> None:
    with Session(engine) as session:
        small_tree(session)
        session.commit()
        make_user(session, "ann", "investigator", "C1A")


def _outage(admin: Engine, database: str, down: bool) -> None:
    """Refuse new sessions to ``database`` and end its open ones, as a restart does."""
    with admin.connect() as connection:
        allow = "false" if down else "true"
        connection.execute(text(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS {allow}'))
        if down:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": database},
            )


def _case(worker: int, n: int) -> dict[str, object]:
    return {
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "source": "outage-test",
        "external_id": f"W{worker}-{n}",
        "date_reporting": date.today().isoformat(),
        "person": {"name": f"Worker {worker} case {n}"},
    }


class Worker(threading.Thread):
    """Reports its cases one by one; retries each until it is created (201) or found
    already created (409: the same source and external ID), so a retry is idempotent."""

    def __init__(self, base: str, token: str, number: int) -> None:
        super().__init__(daemon=True)
        self.base, self.token, self.number = base, token, number
        self.statuses: Counter[int] = Counter()
        self.bad: list[str] = []

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base, headers=headers, timeout=30) as client:
            for n in range(CASES_EACH):
                for _attempt in itertools.count():
                    response = client.post("/api/v1/cases", json=_case(self.number, n))
                    self.statuses[response.status_code] += 1
                    if response.status_code in (201, 409):
                        break
                    if (
                        response.status_code != 503
                        or "problem+json" not in response.headers["content-type"]
                    ):
                        self.bad.append(f"{response.status_code} {response.text[:200]}")
                        return
                    time.sleep(0.05)
                time.sleep(0.02)


@pytest.mark.postgres
def test_postgres_restart_while_users_write(own_database: tuple[Engine, Engine]) -> None:
    engine, admin = own_database
    database = str(engine.url.database)
    app = create_app(Settings(database_url=str(engine.url)), engine=engine)
    with serve(app) as base, httpx.Client(base_url=base, timeout=30) as page_client:
        log_in(page_client, "ann")  # type: ignore[arg-type]
        token = _token(page_client)
        workers = [Worker(base, token, i) for i in range(WORKERS)]
        for worker in workers:
            worker.start()
        time.sleep(0.5)  # some cases are in before the outage
        _outage(admin, database, down=True)
        try:
            time.sleep(0.5)
            api = page_client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
            page = page_client.get("/surveillance/cases")
            zh = page_client.get("/surveillance/cases?lang=zh")
            _assert_clean_outage(api, page, zh)
        finally:
            _outage(admin, database, down=False)
        for worker in workers:
            worker.join(timeout=120)
        assert page_client.get("/surveillance/cases").status_code == 200  # no restart needed
    assert not [b for w in workers for b in w.bad]
    statuses = sum((w.statuses for w in workers), Counter[int]())
    assert statuses[503] > 0  # the outage was seen by the writers too
    with Session(engine) as session:
        ids = session.scalars(select(Case.external_id).where(Case.source == "outage-test"))
        counted = Counter(ids)
        total = session.scalar(select(func.count()).select_from(Case))
    expected = {f"W{w}-{n}" for w in range(WORKERS) for n in range(CASES_EACH)}
    assert set(counted) == expected and max(counted.values()) == 1 and total == len(expected)


def _token(client: httpx.Client) -> str:
    response = client.post("/api/v1/auth/token", json={"username": "ann", "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_connection_killed_mid_request_is_a_503(backend: str, tmp_path: Path) -> None:
    with own_engine(backend, tmp_path) as engine:
        _ann_in_c1a(engine)
        app = create_app(Settings(database_url=str(engine.url)), engine=engine)
        with serve(app) as base, httpx.Client(base_url=base, timeout=30) as client:
            headers = {"Authorization": f"Bearer {_token(client)}"}
            with killed_at(engine, r"FROM cases"):
                killed = client.get("/api/v1/cases", headers=headers)
            again = client.get("/api/v1/cases", headers=headers)
    assert killed.status_code == 503, killed.text
    assert killed.headers["content-type"] == "application/problem+json"
    assert again.status_code == 200  # the pool replaced the dead connection


def test_a_refused_statement_stays_a_500_not_a_503(app_factory: Any) -> None:
    app: FastAPI = app_factory()

    @app.get("/api/v1/refused-statement")
    def refused() -> None:
        raise IntegrityError("INSERT ...", {}, Exception("duplicate key"))

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/refused-statement")
    assert response.status_code == 500 and "duplicate key" not in response.text


# ---- An unexpected exception -------------------------------------------------------

QUOTED = "Li Hua 11010519491231002X"  # what a driver's message may carry


def failing_app(app_factory: Any) -> FastAPI:
    app: FastAPI = app_factory()

    def boom() -> None:
        raise RuntimeError(QUOTED)

    app.add_api_route("/api/v1/boom", boom)
    app.add_api_route("/boom", boom)
    return app


def test_an_unexpected_error_is_problem_json_on_the_api_and_a_page_elsewhere(
    app_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # TestClient re-raises what escapes the app: before, the exception reached it.
    with TestClient(failing_app(app_factory)) as client:
        api = client.get("/api/v1/boom")
        page = client.get("/boom")
    assert api.status_code == 500
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["detail"] == "the request could not be completed"
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in page.text
    for answer in (api.text, page.text):
        assert "Li Hua" not in answer and "RuntimeError" not in answer
    # The log has the type and the frames, never the message (it can quote a row).
    assert "RuntimeError" in caplog.text
    assert "Li Hua" not in caplog.text and "11010519491231002X" not in caplog.text


def request(connection: socket.socket, path: str) -> bytes:
    """One HTTP/1.1 request on an open connection; the answer's head and body."""
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = connection.recv(65536)
        if not chunk:
            return head  # the server closed the connection
        head += chunk
    headers, _, body = head.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in headers.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += connection.recv(65536)
    return headers


def test_the_next_request_on_a_keep_alive_connection_after_a_500_is_answered(
    app_factory: Any,
) -> None:
    """uvicorn closed the connection of any request whose app raised, so the next
    request a client sent on it was reset."""
    with served(failing_app(app_factory)) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            assert request(connection, "/api/v1/boom").startswith(b"HTTP/1.1 500")
            assert request(connection, "/healthz").startswith(b"HTTP/1.1 200")
