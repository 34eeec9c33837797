"""Backup and restore of the whole database, and a fingerprint to check a restore by.

SQLite: the online backup API (sqlite.org/backup.html) copies pages under the
database's own locks, so a copy taken while the server writes is consistent.
PostgreSQL: ``pg_dump`` custom format and ``pg_restore`` in one transaction
(PostgreSQL docs, "SQL Dump"); the password goes through ``PGPASSWORD``, never the
command line that ``ps`` shows.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import Engine, MetaData, inspect, select, text
from sqlalchemy.engine import URL

SQLITE_MAGIC: Final = b"SQLite format 3\x00"
PG_DUMP_MAGIC: Final = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message is one line for the user."""


@dataclass(frozen=True)
class TablePrint:
    rows: int
    md5: str


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    # URL.set() keeps the password when given None; a URL is a named tuple, so
    # _replace drops it, and `ps` never shows it on pg_dump's command line.
    plain = url.set(drivername="postgresql")._replace(password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install the PostgreSQL client programs "
            "of the server's major version (Debian: postgresql-client)"
        )
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no message"]
        raise BackupError(f"{Path(command[0]).name} failed: {lines[0]}")


def backup(engine: Engine, target: Path) -> None:
    """Write the whole database to ``target`` (a SQLite file, or a pg_dump archive)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if _is_sqlite(engine):
        _sqlite_copy(_sqlite_path(engine), target)
        return
    url, env = _libpq(engine.url)
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            f"--dbname={url}",
        ],
        env,
    )


def _sqlite_copy(origin: Path | str, destination: Path | str) -> None:
    """Copy one SQLite database into another with SQLite's online backup API: a
    consistent copy even while the origin is being written."""
    source = sqlite3.connect(origin)
    copy = sqlite3.connect(destination)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def is_empty(engine: Engine) -> bool:
    """No table at all: a new database, not one migrated or restored before."""
    return not inspect(engine).get_table_names()


def restore(engine: Engine, source: Path, *, force: bool = False) -> None:
    """Replace the database by the backup ``source``; refuses a non-empty one unless forced."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    with source.open("rb") as file:
        head = file.read(16)
    wanted = SQLITE_MAGIC if _is_sqlite(engine) else PG_DUMP_MAGIC
    if not head.startswith(wanted):
        kind = "a SQLite file" if _is_sqlite(engine) else "a pg_dump custom-format archive"
        raise BackupError(f"{source} is not {kind}: restore on the backend it was taken from")
    if not force and not is_empty(engine):
        raise BackupError("the target database is not empty; use --force to replace it")
    engine.dispose()
    if _is_sqlite(engine):
        _sqlite_copy(source, _sqlite_path(engine))
        return
    url, env = _libpq(engine.url)
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *(["--clean", "--if-exists"] if force else []),
            f"--dbname={url}",
            str(source),
        ],
        env,
    )


def fingerprint(engine: Engine) -> dict[str, TablePrint]:
    """Every table's row count and the MD5 of its rows in primary-key order."""
    metadata = MetaData()
    metadata.reflect(engine)
    found: dict[str, TablePrint] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            digest, rows = hashlib.md5(usedforsecurity=False), 0
            result = connection.execution_options(stream_results=True, yield_per=5000).execute(
                select(table).order_by(*order)
            )
            for row in result:
                digest.update(repr(tuple(row)).encode())
                rows += 1
            found[table.name] = TablePrint(rows, digest.hexdigest())
    return found


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table, for the one-line summary a restore prints."""
    with engine.connect() as connection:
        return {
            name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
            for name in sorted(inspect(engine).get_table_names())
        }
