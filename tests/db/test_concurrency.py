"""SQLite under concurrent use: writers wait for the lock, readers never do.

Each test has its own migrated SQLite file, because it needs real commits seen by
two connections (the shared test database rolls every test back).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from fireline.auth import audit
from fireline.auth.models import AuditEvent
from fireline.auth.scope import system_actor
from fireline.db.engine import (
    is_lock_conflict,
    make_engine,
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
            session, actor, filename="cases.csv", content=content, options=options
        )
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert prepared.validated is not None
    assert not prepared.validated.bad.any()
    assert cases(sqlite) == 0
    with transaction(session_factory(sqlite)) as session:
        batch = batches.import_file(
            session, actor, filename="cases.csv", content=content, options=options,
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
