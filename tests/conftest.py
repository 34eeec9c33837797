"""Database plumbing for every test: SQLite always, PostgreSQL when configured.

Each test runs inside a transaction that is rolled back at its end (SAVEPOINTs
for the commits the code under test makes). Data comes from small per-domain
factories (``tests/<domain>/factories.py``) or the simulator, never from here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.passwords import CHEAP_HASHES_FOR_TESTS
from fireline.db.engine import make_engine, normalise_url
from fireline.db.migrate import upgrade

POSTGRES_URL = os.environ.get("FIRELINE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]

# Property tests check behaviour, not speed: on two busy cores (pytest-xdist beside
# PostgreSQL and a browser) one example can outlast hypothesis's 200 ms deadline.
settings.register_profile("fireline", deadline=None)
settings.load_profile("fireline")


def pytest_configure(config: pytest.Config) -> None:
    """argon2's cheapest parameters for every password the tests hash (subprocesses too);
    ``tests/auth/test_service.py`` checks the real ones separately."""
    os.environ[CHEAP_HASHES_FOR_TESTS] = "1"


def _postgres_engine() -> Iterator[Engine]:
    """A fresh database on the configured server, dropped afterwards."""
    assert POSTGRES_URL
    admin_url = make_url(normalise_url(POSTGRES_URL))
    name = f"fireline_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database, one per backend for the whole run."""
    if request.param == "postgresql":
        engines = _postgres_engine()
        built = next(engines)
        upgrade(built)
        yield built
        next(engines, None)
        return
    path: Path = tmp_path_factory.mktemp("sqlite") / "fireline.db"
    built = make_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    upgrade(built)
    yield built
    built.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection whose outer transaction is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """Sessions on the test's connection; their commits become SAVEPOINT releases."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture
def app_factory(engine: Engine, sessions: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    """Build the app on the test's rolled-back connection."""
    from fireline.app import create_app
    from fireline.settings import Settings

    def build(**overrides: object):  # type: ignore[no-untyped-def]
        # Figures are read live in tests (a busy runner could make a small league slow
        # enough to be remembered, and a test would then read a stale one) unless a test
        # asks for snapshots.
        overrides.setdefault("snapshot_after_s", 3600.0)
        settings = Settings(database_url=str(engine.url), **overrides)  # type: ignore[arg-type]
        app = create_app(settings, engine=engine)
        app.state.sessions = sessions
        return app

    return build


@pytest.fixture
def client(app_factory):  # type: ignore[no-untyped-def]
    """An HTTP client on a fresh app (no cookies, no token)."""
    from fastapi.testclient import TestClient

    with TestClient(app_factory(), base_url="http://testserver") as test_client:
        yield test_client
