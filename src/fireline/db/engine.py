"""Engines and sessions for SQLite (embedded) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InvalidRequestError, OperationalError
from sqlalchemy.orm import Session, sessionmaker


class DatabaseUnavailable(RuntimeError):
    """The database URL cannot be reached or opened."""


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits
    # BEGIN itself instead (SQLAlchemy docs, "Serializable isolation /
    # Savepoints / Transactional DDL" for pysqlite).
    dbapi_connection.isolation_level = None
    # WAL lets page reads go on while an import writes; SQLite leaves foreign
    # keys off unless asked per connection (sqlite.org/foreignkeys.html).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.close()


# As long as a request waits for a pooled connection (SQLAlchemy's pool_timeout):
# a busy server answers late rather than with "database is locked".
BUSY_TIMEOUT_S = 30
# The threads a server process runs page and API work on: AnyIO's default limiter,
# which Starlette's run_in_threadpool uses (anyio.to_thread.current_default_thread_limiter).
SERVER_THREADS = 40
POSTGRES_POOL_SIZE = 10  # kept open between bursts; the rest opened when needed
# Execution option of the engine that ``read_only`` returns: its transactions begin
# DEFERRED and never take the write lock.
READ_ONLY = "fireline_read_only"
# Execution option of ``optimistic``: DEFERRED, and a write is tried without waiting.
OPTIMISTIC = "fireline_optimistic"
# SQLITE_BUSY and SQLITE_BUSY_SNAPSHOT (sqlite.org/rescode.html)
LOCK_CONFLICTS = frozenset({5, 517})


class _Writers:
    """This process's write transactions on one SQLite file, one at a time in a queue.

    SQLite's busy handler polls for the lock, sleeping up to 100 ms between tries
    (sqlite.org/c3ref/busy_timeout.html), so among many waiting threads the lock goes
    to whichever wakes first and one can wait past the timeout. Waiting on a Python
    lock instead wakes a waiter as soon as the lock is free; only the holder polls,
    against other processes (a CLI import). A connection that ends its transaction
    in any way (commit, rollback, return to the pool) frees the lock.
    """

    KEY = "fireline_writer"

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def begin(self, connection: Any) -> None:
        # Bounded: a thread opening a second write transaction would wait for itself;
        # after the timeout it goes on and SQLite refuses it as it did before.
        if self.lock.acquire(timeout=BUSY_TIMEOUT_S):
            connection.info[self.KEY] = True

    def end(self, connection: Any) -> None:
        try:
            info = connection.info
        except InvalidRequestError:
            # The connection was invalidated mid-transaction (the database went away):
            # its record keeps the mark, and ``checkin`` frees the lock when it is returned.
            return
        if info.pop(self.KEY, False):
            self.lock.release()

    def checkin(self, _dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(self.KEY, False):
            self.lock.release()


def _sqlite_begin(writers: _Writers) -> Any:
    # A deferred transaction that has read and then writes cannot wait for the
    # write lock: under WAL the upgrade fails at once with SQLITE_BUSY whatever the
    # busy timeout ("database is locked"). BEGIN IMMEDIATE takes the lock first and
    # waits for it through the busy handler (sqlite.org/lang_transaction.html,
    # sqlite.org/wal.html "Concurrency"). Read-only work keeps DEFERRED, since WAL
    # readers never wait for a writer, and query_only makes a write in it fail every
    # time rather than only when another writer is busy (sqlite.org/pragma.html).
    def begin(connection: Any) -> None:
        options = connection.get_execution_options()
        reading = bool(options.get(READ_ONLY))
        connection.exec_driver_sql(f"PRAGMA query_only={int(reading)}")
        if reading or options.get(OPTIMISTIC):
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        writers.begin(connection)
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return begin


def optimistic(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Sessions that begin DEFERRED: a read takes no lock, and a write fails at once
    with a lock conflict (``is_lock_conflict``) if another connection writes or wrote
    since this one began reading; the caller then runs the work again with ``sessions``."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, Engine):
        return sessions
    options = {OPTIMISTIC: True}
    return sessionmaker(bind=bind.execution_options(**options), expire_on_commit=False)


def is_lock_conflict(exc: BaseException) -> bool:
    """SQLite refused a write because another connection holds or moved the lock."""
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    return isinstance(exc, OperationalError) and code in LOCK_CONFLICTS


def read_only(engine: Engine) -> Engine:
    """The same engine and pool; on SQLite its transactions read a snapshot without
    taking the write lock (a write in them fails at once: use ``engine`` to write)."""
    return engine.execution_options(**{READ_ONLY: True})


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Build an engine; for SQLite create the file's folder and set the pragmas."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Requests wait for the write lock holding a pooled connection; a SQLite
        # connection is only a file handle, so the pool holds one per server thread
        # (AnyIO's 40) and two for some, and the wait is for the lock, never the pool.
        if database and database != ":memory:":
            kwargs.setdefault("pool_size", 10)
            kwargs.setdefault("max_overflow", 80)
        engine = create_engine(url, **_quiet(kwargs))
        writers = _Writers()
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin(writers))
        for name in ("commit", "rollback"):
            event.listen(engine, name, writers.end)
        event.listen(engine.pool, "checkin", writers.checkin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # psycopg prepares a statement after its fifth run on a connection, and PostgreSQL
    # then plans it once for every value ("generic plan"). Data here is skewed by scope:
    # the province's cases are 600,000 and a county's a few hundred, and a search for a
    # common name is not one for a rare one; a plan made for one was 570 ms where the
    # other's own plan is 1 ms (issue #17, the case list's keyset pages). Every run is
    # planned for its own values; the statements stay prepared, so parsing is saved.
    kwargs.setdefault("connect_args", {"options": "-c plan_cache_mode=force_custom_plan"})
    # One connection per server thread, so a busy page waits for the CPU, never for the
    # pool (SQLAlchemy's defaults, 5 + 10, would leave 25 of AnyIO's 40 threads queued
    # and answer 503 after pool_timeout). Idle connections above pool_size are closed.
    kwargs.setdefault("pool_size", POSTGRES_POOL_SIZE)
    kwargs.setdefault("max_overflow", SERVER_THREADS - POSTGRES_POOL_SIZE)
    return create_engine(url, **_quiet(kwargs))


def _quiet(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Keep statement parameters (names, ID numbers) out of error messages and logs:
    an unexpected error is logged with its message (OWASP Logging Cheat Sheet, "Data
    to exclude")."""
    return {"hide_parameters": True, **kwargs}


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable with a one-line reason if the database cannot be reached."""
    try:
        with read_only(engine).connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        safe_url = make_url(engine.url).render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"cannot reach the database at {safe_url}: {reason}") from exc


def connection_limit(engine: Engine) -> int | None:
    """The connections a PostgreSQL server accepts from ordinary users (max_connections
    less superuser_reserved_connections); None for SQLite, which has no such limit."""
    if engine.dialect.name != "postgresql":
        return None
    with read_only(engine).connect() as connection:
        total = connection.exec_driver_sql("SHOW max_connections").scalar_one()
        reserved = connection.exec_driver_sql("SHOW superuser_reserved_connections").scalar_one()
    return int(total) - int(reserved)


def session_factory(engine: Engine, *, reading: bool = False) -> sessionmaker[Session]:
    """Sessions that write (the default) or, with ``reading``, only read (``read_only``)."""
    return sessionmaker(bind=read_only(engine) if reading else engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with factory() as session, session.begin():
        yield session


def reading(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The reading counterpart of ``sessions`` (which tests bind to a connection: kept)."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, Engine):
        return sessions
    return sessionmaker(bind=read_only(bind), expire_on_commit=False)
