"""``fireline backup`` then ``fireline restore`` into a fresh database gives back every
table with the same rows (count and MD5 of the ordered rows), on both backends."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from fireline.db.backup import backup, fingerprint
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


def test_a_file_of_the_other_backend_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "dump.backup"
    fake.write_bytes(b"PGDMP\x01\x0e\x00")
    with empty_database("sqlite", tmp_path) as url:
        refused = run_process(["restore", str(fake)], url)
    assert refused.returncode == 1 and "is not a SQLite file" in refused.stderr


@pytest.mark.postgres
def test_without_pg_dump_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with own_engine("postgresql", tmp_path) as source:
        monkeypatch.setenv("PATH", str(tmp_path))
        taken = run_process(["backup", str(tmp_path / "x")], source.url.render_as_string(False))
    assert taken.returncode == 1 and taken.stderr.count("\n") == 1
    assert "pg_dump is not on PATH" in taken.stderr


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
