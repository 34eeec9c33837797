"""Databases of a test's own (not the shared rolled-back connection) and real faults in them.

Tests that kill connections, restore backups or run jobs in their own transactions
cannot share the session-wide database that every other test rolls back.
"""

from __future__ import annotations

import atexit
import re
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from fireline.db.engine import make_engine, normalise_url, session_factory, transaction
from fireline.db.migrate import upgrade
from tests.conftest import POSTGRES_URL


def admin_engine() -> Engine:
    assert POSTGRES_URL
    return create_engine(make_url(normalise_url(POSTGRES_URL)), isolation_level="AUTOCOMMIT")


@contextmanager
def empty_database(
    backend: str, tmp_path: Path, *, prefix: str = "own", template: str | None = None
) -> Iterator[str]:
    """The URL of a new database on ``backend`` (empty, or a PostgreSQL ``template``'s
    copy), dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'{prefix}-{uuid.uuid4().hex[:6]}.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("needs FIRELINE_TEST_POSTGRES_URL")
    name = f"fireline_{prefix}_{uuid.uuid4().hex[:10]}"
    admin = admin_engine()
    with admin.connect() as connection:
        copied = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copied}'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# One migrated database per backend and process, copied for each test: migrating
# takes seconds, a copy (SQLite backup API, PostgreSQL CREATE DATABASE ... TEMPLATE)
# a fraction of that.
_TEMPLATES: dict[str, str] = {}


def _template(backend: str) -> str:
    if backend not in _TEMPLATES:
        if backend == "sqlite":
            url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='fireline-template-')) / 't.db'}"
        else:
            admin = admin_engine()
            name = f"fireline_template_{uuid.uuid4().hex[:10]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            atexit.register(_drop, name)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        _TEMPLATES[backend] = url
    return _TEMPLATES[backend]


def _drop(name: str) -> None:
    admin = admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def own_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of the test's own on ``backend``."""
    if backend == "postgresql" and not POSTGRES_URL:
        pytest.skip("needs FIRELINE_TEST_POSTGRES_URL")
    template = make_url(_template(backend))
    with empty_database(backend, tmp_path, template=template.database) as url:
        if backend == "sqlite":
            source, copy = (
                sqlite3.connect(str(template.database)),
                sqlite3.connect(str(make_url(url).database)),
            )
            with copy:
                source.backup(copy)
            copy.close()
            source.close()
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def _kill(connection: Any) -> None:
    """End this connection's server session for real (PostgreSQL) or close its file."""
    dbapi = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        admin = admin_engine()
        with admin.connect() as other:
            other.execute(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": dbapi.info.backend_pid}
            )
        admin.dispose()
    else:
        dbapi.close()


@contextmanager
def killed_at(engine: Engine, pattern: str, nth: int = 1) -> Iterator[list[str]]:
    """Kill the connection just before its ``nth`` statement matching ``pattern`` (a
    regular expression), so a job fails mid-run through the driver, as in an outage.
    Yields the statements seen, to show where it stopped."""
    seen: list[str] = []
    wanted = re.compile(pattern, re.IGNORECASE | re.DOTALL)

    def before(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        if wanted.search(statement):
            seen.append(statement)
            if len(seen) == nth:
                _kill(connection)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the schema (Alembic's bookkeeping aside)."""
    from sqlalchemy import inspect

    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as connection:
        return {
            n: int(connection.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one())
            for n in sorted(names)
        }


def resumed_equals_uninterrupted(
    backend: str,
    tmp_path: Path,
    build: Callable[[Session], object],
    runs: list[tuple[Callable[[sessionmaker[Session]], object], str]],
    *,
    committed_before_the_kill: tuple[str, ...] = (),
) -> dict[str, int]:
    """Build the same data in two databases; run each job twice in the first and, in the
    second, kill the connection at its first statement matching the pattern, check it
    failed through the driver, then run it twice. Every table must end with the same
    rows as the uninterrupted runs (the failed run left nothing, not even its audit
    row) but ``committed_before_the_kill``: tables a job's earlier transaction wrote.
    Returns the uninterrupted counts."""
    with own_engine(backend, tmp_path) as clean, own_engine(backend, tmp_path) as broken:
        for engine in (clean, broken):
            with transaction(session_factory(engine)) as session:
                build(session)
        for job, pattern in runs:
            job(session_factory(clean))
            job(session_factory(clean))
            with killed_at(broken, pattern) as seen, pytest.raises(DBAPIError):
                job(session_factory(broken))
            assert seen, f"the job never ran a statement matching {pattern!r}"
            job(session_factory(broken))
            job(session_factory(broken))
        expected, found = table_counts(clean), table_counts(broken)
        differ = {
            n: (expected[n], found[n])
            for n in expected
            if expected[n] != found[n] and n not in committed_before_the_kill
        }
        assert not differ, f"rows (uninterrupted, resumed) differ: {differ}"
        return expected
