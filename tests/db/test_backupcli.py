"""``fireline backup`` and ``fireline restore``: what they print, and one line when they fail.

The round trip itself (every row back, on both backends) is in test_backup.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from fireline.db.engine import make_engine, session_factory, transaction
from tests.cli_runner import run_process
from tests.db.factories import empty_database, own_engine
from tests.places.factories import small_tree


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


def test_backup_and_restore_say_what_they_did(tmp_path: Path) -> None:
    archive = tmp_path / "fireline.backup"
    with own_engine("sqlite", tmp_path) as source:
        with transaction(session_factory(source)) as session:
            small_tree(session)
        taken = run_process(["backup", str(archive)], source.url.render_as_string(False))
    assert taken.returncode == 0, taken.stderr
    size = archive.stat().st_size
    assert taken.stdout == f"backup of sqlite written to {archive} ({size} bytes)\n"
    with empty_database("sqlite", tmp_path) as url:
        restored = run_process(["restore", str(archive)], url)
        engine = make_engine(url)
        try:
            names = inspect(engine).get_table_names()
            with engine.connect() as connection:
                rows = sum(
                    connection.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one()
                    for n in names
                )
        finally:
            engine.dispose()
    assert restored.returncode == 0, restored.stderr
    assert rows >= 7  # the seven places, the schema version and whatever else was there
    assert restored.stdout == f"restored {archive}: {len(names)} tables, {rows} rows\n"


def test_restoring_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with empty_database("sqlite", tmp_path) as url:
        refused = run_process(["restore", str(tmp_path / "nowhere.backup")], url)
    assert refused.returncode == 1
    assert refused.stderr == f"error: {tmp_path / 'nowhere.backup'} is not a file\n"
    assert refused.stdout == ""
