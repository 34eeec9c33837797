"""``fireline backup`` then ``fireline restore`` into a fresh database gives back every
table with the same rows (count and MD5 of the ordered rows), on both backends."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from fireline.db.backup import (
    PG_DUMP_MAGIC,
    BackupError,
    backup,
    fingerprint,
    restore,
    row_counts,
)
from fireline.db.engine import make_engine, session_factory, transaction
from fireline.people.models import Person
from fireline.response.jobs import run_once as sweep
from fireline.settings import Settings
from tests.cli_runner import run_process
from tests.conftest import BACKENDS
from tests.db.factories import empty_database, own_engine
from tests.places.factories import small_tree
from tests.response.factories import T0, settings
from tests.retention.factories import retention_world


@pytest.mark.parametrize("backend", BACKENDS)
def test_backup_restores_every_row_into_a_fresh_database(backend: str, tmp_path: Path) -> None:
    archive = tmp_path / "fireline.backup"
    with own_engine(backend, tmp_path) as source:
        with transaction(session_factory(source)) as session:
            retention_world(session)
        sweep(session_factory(source), T0, Settings(), settings())
        before = fingerprint(source)
        taken = run_process(["backup", str(archive)], str(source.url.render_as_string(False)))
        assert taken.returncode == 0, taken.stderr
        assert "written to" in taken.stdout
    with empty_database(backend, tmp_path, prefix="restored") as url:
        restored = run_process(["restore", str(archive)], url)
        assert restored.returncode == 0, restored.stderr
        target = make_engine(url)
        try:
            after = fingerprint(target)
        finally:
            target.dispose()
        refused = run_process(["restore", str(archive)], url)
        forced = run_process(["restore", "--force", str(archive)], url)
        target = make_engine(url)
        try:
            again = fingerprint(target)
        finally:
            target.dispose()
    assert {n: p.rows for n, p in after.items()} == {n: p.rows for n, p in before.items()}
    assert after == before and again == before
    assert before["persons"].rows > 5 and before["response_tasks"].rows > 0
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert "not empty; use --force" in refused.stderr
    assert forced.returncode == 0, forced.stderr


def test_a_sqlite_backup_taken_while_the_server_writes_is_consistent(tmp_path: Path) -> None:
    archive = tmp_path / "live.backup"
    with own_engine("sqlite", tmp_path) as engine:
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            place = small_tree(session)["C1A"].id
        stop, written = threading.Event(), [0]

        def write() -> None:
            while not stop.is_set():
                with transaction(sessions) as session:
                    session.add(Person(jurisdiction_id=place, name="Writer"))
                written[0] += 1

        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.3)
        backup(engine, archive)
        stop.set()
        writer.join()
    copy = sqlite3.connect(archive)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copied = copy.execute("SELECT count(*) FROM persons").fetchone()[0]
    finally:
        copy.close()
    assert 0 < copied <= written[0]


def two_tables(url: str, rows: list[tuple[int, str]]) -> Engine:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        connection.execute(text("CREATE TABLE tags (name TEXT)"))  # no primary key
        for key, body in rows:
            connection.execute(text("INSERT INTO notes VALUES (:k, :b)"), {"k": key, "b": body})
        connection.execute(text("INSERT INTO tags VALUES ('b'), ('a')"))
    return engine


def test_the_fingerprint_sees_the_rows_not_the_order_they_came_in(tmp_path: Path) -> None:
    rows = [(1, "one"), (2, "two"), (3, "three")]
    first = two_tables(f"sqlite:///{tmp_path}/a.db", rows)
    second = two_tables(f"sqlite:///{tmp_path}/b.db", rows[::-1])
    changed = two_tables(f"sqlite:///{tmp_path}/c.db", [(1, "one"), (2, "TWO"), (3, "three")])
    try:
        assert fingerprint(first) == fingerprint(second)
        assert fingerprint(first)["notes"].rows == 3 and fingerprint(first)["tags"].rows == 2
        assert fingerprint(changed)["notes"].rows == 3
        assert fingerprint(changed)["notes"].md5 != fingerprint(first)["notes"].md5
        assert fingerprint(changed)["tags"] == fingerprint(first)["tags"]
        assert row_counts(first) == {"notes": 3, "tags": 2}
    finally:
        for engine in (first, second, changed):
            engine.dispose()


def test_an_in_memory_database_cannot_be_backed_up(tmp_path: Path) -> None:
    engine = make_engine("sqlite://")
    try:
        with pytest.raises(BackupError, match="in-memory"):
            backup(engine, tmp_path / "x.backup")
    finally:
        engine.dispose()


FAKE_TOOL = """#!/bin/sh
printf '%s\\n' "$@" > "{log}.args"
printf '%s' "$PGPASSWORD" > "{log}.password"
{ending}
"""


def fake_tool(folder: Path, name: str, ending: str = "exit 0") -> Path:
    """A stand-in for a PostgreSQL client program that records how it was called."""
    log = folder / name
    tool = folder / "bin" / name
    tool.parent.mkdir(exist_ok=True)
    tool.write_text(FAKE_TOOL.format(log=log, ending=ending))
    tool.chmod(0o755)
    return log


def dump_with_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Run ``backup`` against a fake pg_dump for a URL with a password; its arguments."""
    fake_tool(tmp_path, "pg_dump")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    engine = make_engine("postgresql://ann:s3cret@db.example:5433/fireline")
    backup(engine, tmp_path / "out" / "fireline.backup")  # no server is reached
    return (tmp_path / "pg_dump.args").read_text().splitlines()


def test_pg_dump_is_called_with_a_custom_archive_and_the_password_in_its_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = dump_with_password(tmp_path, monkeypatch)
    assert (tmp_path / "pg_dump.password").read_text() == "s3cret"
    assert "--format=custom" in args and f"--file={tmp_path / 'out' / 'fireline.backup'}" in args
    dbname = next(arg for arg in args if arg.startswith("--dbname="))
    assert dbname.startswith("--dbname=postgresql://ann")  # libpq's scheme, not +psycopg
    assert dbname.endswith("@db.example:5433/fireline")
    assert (tmp_path / "out").is_dir()


def test_the_password_is_not_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = dump_with_password(tmp_path, monkeypatch)
    assert not any("s3cret" in arg for arg in args)


def test_a_failing_client_program_gives_its_first_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_tool(
        tmp_path,
        "pg_restore",
        "echo 'pg_restore: error: connection failed' >&2\necho 'detail nobody reads' >&2\nexit 1",
    )
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    archive = tmp_path / "dump.backup"
    archive.write_bytes(PG_DUMP_MAGIC + b"\x01\x0e\x00")
    engine = make_engine("postgresql://ann@db.example/fireline")
    monkeypatch.setattr("fireline.db.backup.is_empty", lambda _engine: True)  # no server
    with pytest.raises(BackupError) as failed:
        restore(engine, archive)
    assert str(failed.value) == "pg_restore failed: pg_restore: error: connection failed"
    args = (tmp_path / "pg_restore.args").read_text().splitlines()
    assert "--single-transaction" in args and "--clean" not in args and args[-1] == str(archive)
