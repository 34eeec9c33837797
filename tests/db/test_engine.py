"""The engine: URLs, SQLite's pragmas, reachability, migrations; and SQLite under
concurrent use, where writers wait for the lock and readers never do."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select, text

from fireline.auth import audit
from fireline.auth.models import AuditEvent
from fireline.auth.scope import system_actor
from fireline.db.engine import (
    DatabaseUnavailable,
    check_connection,
    is_lock_conflict,
    make_engine,
    normalise_url,
    optimistic,
    session_factory,
    transaction,
)
from fireline.db.migrate import upgrade
from fireline.surveillance.intake import batches
from fireline.surveillance.intake.batches import ImportOptions
from fireline.surveillance.models import Case, ImportBatch
from tests.places.factories import small_tree
from tests.surveillance.intake.factories import EN_HEADER, GOOD_EN, csv_bytes
from tests.surveillance.profiles import acting


def test_plain_postgres_url_uses_psycopg3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_file_has_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/sub/f.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_unreachable_database_is_one_clear_line() -> None:
    engine = make_engine(
        "postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    with pytest.raises(DatabaseUnavailable) as error:
        check_connection(engine)
    message = str(error.value)
    assert message.startswith(
        "cannot reach the database at postgresql+psycopg://nobody@127.0.0.1:1"
    )
    assert "\n" not in message


def test_migrations_reach_the_models(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"jurisdictions", "persons", "cases", "users", "audit_events"} <= tables
    upgrade(engine)  # a second upgrade is a no-op
    with engine.connect() as connection:
        heads = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert len(heads) == 1


def test_migrations_match_the_models(engine: Engine) -> None:
    """A model change without its Alembic revision fails here, on both backends."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from fireline.tables import Base

    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


# --- SQLite under concurrent use -----------------------------------------------------
# Each test has its own migrated SQLite file, because it needs real commits seen by
# two connections (the shared test database rolls every test back).

HOLD_S = 1.0


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path}/fireline.db")
    upgrade(engine)
    yield engine
    engine.dispose()


@contextmanager
def lock_held(engine: Engine, seconds: float = 30.0) -> Iterator[None]:
    """Another connection writes and keeps its write transaction open until the block
    ends, or for ``seconds``."""
    holding, release = threading.Event(), threading.Event()

    def write_slowly() -> None:
        with transaction(session_factory(engine)) as session:
            audit.record(session, system_actor(), "import", "case")
            session.flush()
            holding.set()
            release.wait(seconds)

    thread = threading.Thread(target=write_slowly)
    thread.start()
    assert holding.wait(5)
    try:
        yield
    finally:
        release.set()
        thread.join()


def audit_count(engine: Engine) -> int:
    with transaction(session_factory(engine, reading=True)) as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_an_audited_read_waits_for_a_writer_instead_of_failing(sqlite: Engine) -> None:
    """A plain (deferred) BEGIN read first, then failed at once on the audit row's
    INSERT with 'database is locked': the busy handler cannot run for a lock upgrade."""
    began = time.perf_counter()
    with lock_held(sqlite, HOLD_S), transaction(session_factory(sqlite)) as session:
        session.scalar(select(func.count()).select_from(AuditEvent))  # the read
        audit.record(session, system_actor(), "read", "person", [1])  # its audit row
    waited = time.perf_counter() - began
    assert waited > HOLD_S / 2  # it waited for the other writer to commit...
    assert audit_count(sqlite) == 2  # ...and both rows were written


def test_a_reading_session_never_waits_for_a_writer(sqlite: Engine) -> None:
    with lock_held(sqlite):  # a read that waited would fail after the busy timeout
        assert audit_count(sqlite) == 0  # the other transaction's row is not committed yet


def test_a_reading_session_refuses_to_write(sqlite: Engine) -> None:
    """Read-only is enforced by SQLite, not by convention: its write would not wait."""
    from sqlalchemy.exc import OperationalError

    with (
        pytest.raises(OperationalError, match="readonly"),
        transaction(session_factory(sqlite, reading=True)) as session,
    ):
        audit.record(session, system_actor(), "read", "person", [1])
        session.flush()


def test_an_import_is_validated_outside_the_write_lock_and_invisible_until_loaded(
    sqlite: Engine,
) -> None:
    with transaction(session_factory(sqlite)) as session:
        small_tree(session)
    content = csv_bytes(EN_HEADER, GOOD_EN)
    options = ImportOptions(disease="covid19", source="test")
    actor = system_actor()
    with lock_held(sqlite), transaction(session_factory(sqlite, reading=True)) as session:
        prepared = batches.prepare_file(  # reading only: it can neither write nor wait
            session, acting(actor), filename="cases.csv", content=content, options=options
        )
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert prepared.validated is not None
    assert not prepared.validated.bad.any()
    assert cases(sqlite) == 0
    with transaction(session_factory(sqlite)) as session:
        batch = batches.import_file(
            session,
            acting(actor),
            filename="cases.csv",
            content=content,
            options=options,
            prepared=prepared,
        )
    assert batch.status == "committed"
    assert cases(sqlite) == len(GOOD_EN)


def cases(engine: Engine) -> int:
    with transaction(session_factory(engine, reading=True)) as session:
        return int(session.scalar(select(func.count()).select_from(Case)) or 0)


def test_an_optimistic_session_that_read_a_stale_snapshot_cannot_write(sqlite: Engine) -> None:
    """What a GET's audit row meets when another connection committed meanwhile: a lock
    conflict at once (no waiting), which the request turns into a retry."""
    from sqlalchemy.exc import OperationalError

    sessions = session_factory(sqlite)
    with (
        pytest.raises(OperationalError) as error,
        transaction(optimistic(sessions)) as session,
    ):
        session.scalar(select(func.count()).select_from(AuditEvent))  # its snapshot
        with transaction(sessions) as other:
            audit.record(other, system_actor(), "import", "case")
        audit.record(session, system_actor(), "read", "person", [1])
        session.flush()
    assert is_lock_conflict(error.value)
    assert audit_count(sqlite) == 1


def test_a_pool_holds_a_connection_per_server_thread(engine: Engine) -> None:
    """A busy server waits for the CPU, not the pool; PostgreSQL's limit is read for
    ``fireline serve --workers`` to warn against."""
    from fireline.db.engine import SERVER_THREADS, connection_limit

    assert engine.pool.size() + engine.pool._max_overflow >= SERVER_THREADS  # type: ignore[attr-defined]
    limit = connection_limit(engine)
    if engine.dialect.name == "postgresql":
        assert limit is not None and 0 < limit <= 10_000
    else:
        assert limit is None


def test_every_postgres_statement_is_planned_for_its_own_values(engine: Engine) -> None:
    """A prepared statement's generic plan, made for one scope or search, must not serve
    another (a province's page was 570 ms on a county's plan)."""
    if engine.dialect.name != "postgresql":
        return  # SQLite plans every statement when it is prepared: nothing to steer
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
