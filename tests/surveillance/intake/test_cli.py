from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from fireline.auth.scope import system_actor
from fireline.db.engine import session_factory, transaction
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from tests.cli_runner import run
from tests.db.factories import own_engine, table_counts
from tests.surveillance.profiles import ADDED, deployment_folder

HEADER = "id,name,gender,location,date_onset,date_reporting"


def _database(tmp_path: Path) -> Path:
    database = tmp_path / "f.db"
    run(["db", "upgrade"], database)
    run(["jurisdictions", "import", str(bundled_divisions())], database)
    return database


def test_import_prints_counts_and_is_idempotent(tmp_path: Path) -> None:
    database = _database(tmp_path)
    file = tmp_path / "cases.csv"
    file.write_text(f"{HEADER}\nK1,Ann,female,330102,2024-03-01,2024-03-02\n", encoding="utf-8")
    first = run(["cases", "import", str(file), "--disease", "covid19"], database)
    assert first.exit_code == 0, first.output
    assert "1 cases created" in first.output
    second = run(["cases", "import", str(file), "--disease", "covid19"], database)
    assert second.exit_code == 0 and "0 cases created" in second.output
    assert "1 skipped as imported before" in second.output


def test_a_disease_the_deployment_folder_adds_is_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = _database(tmp_path)
    file = tmp_path / "cases.csv"
    file.write_text(f"{HEADER}\nK1,Ann,female,330102,2024-03-01,2024-03-02\n", encoding="utf-8")
    unknown = run(["cases", "import", str(file), "--disease", ADDED], database)
    assert unknown.exit_code == 1 and f"unknown disease '{ADDED}'" in unknown.output
    monkeypatch.setenv("FIRELINE_DISEASE_DIR", str(deployment_folder(tmp_path)))
    known = run(["cases", "import", str(file), "--disease", ADDED], database)
    assert known.exit_code == 0 and "1 cases created" in known.output, known.output


def test_bad_rows_stop_the_import(tmp_path: Path) -> None:
    database = _database(tmp_path)
    file = tmp_path / "cases.csv"
    file.write_text(
        f"{HEADER}\nK1,Ann,female,999999,2024-03-01,2024-03-02\n"
        "K2,Bo,male,330102,2024-03-01,2024-03-02\n",
        encoding="utf-8",
    )
    result = run(["cases", "import", str(file), "--disease", "covid19"], database)
    assert result.exit_code == 1
    assert "line 2, location ('999999'): unknown jurisdiction code" in result.output
    assert "0 cases created" in result.output
    good = run(["cases", "import", str(file), "--disease", "covid19", "--good-rows-only"], database)
    assert good.exit_code == 0 and "1 cases created" in good.output


def test_map_option(tmp_path: Path) -> None:
    database = _database(tmp_path)
    file = tmp_path / "cases.csv"
    file.write_text("No,Who,Where,Reported\nM1,Ann,330102,2024-03-02\n", encoding="utf-8")
    unmapped = run(["cases", "import", str(file), "--disease", "covid19"], database)
    assert unmapped.exit_code == 1
    args = [
        "--map",
        "external_id=No",
        "--map",
        "name=Who",
        "--map",
        "jurisdiction=Where",
        "--map",
        "date_reporting=Reported",
    ]
    result = run(["cases", "import", str(file), "--disease", "covid19", *args], database)
    assert result.exit_code == 0, result.output
    assert "1 cases created" in result.output


def _writing(engine: Engine) -> bool:
    """The import's write transaction is open: on SQLite it holds the write lock, on
    PostgreSQL it has begun inserting persons."""
    if engine.dialect.name == "sqlite":
        probe = sqlite3.connect(str(engine.url.database), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    with engine.connect() as connection:
        return bool(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = 'persons' AND l.mode = 'RowExclusiveLock' "
                    "AND l.pid <> pg_backend_pid()"
                )
            ).scalar_one()
        )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_import_killed_mid_way_leaves_nothing_and_runs_again(
    backend: str, tmp_path: Path
) -> None:
    with own_engine(backend, tmp_path) as engine:
        with transaction(session_factory(engine)) as session:
            import_jurisdictions(session, system_actor(), bundled_divisions())
        before = table_counts(engine)
        file = tmp_path / "cases.csv"
        rows = (f"K{i},Person {i},female,330102,2024-03-01,2024-03-02" for i in range(20_000))
        file.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        env = {**os.environ, "FIRELINE_DATABASE_URL": engine.url.render_as_string(False)}
        command = [
            sys.executable,
            "-c",
            "from fireline.cli import main; main()",
            "cases",
            "import",
            str(file),
            "--disease",
            "covid19",
        ]
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 120
            while not _writing(engine) and process.poll() is None:
                assert time.monotonic() < deadline, "the import never began writing"
                time.sleep(0.02)
            time.sleep(0.05)  # into the load, not at its first statement
            assert process.poll() is None, "the import ended before it could be killed"
        finally:
            process.kill()  # SIGKILL: no handler, no rollback of its own
            process.wait()
        after = table_counts(engine)
        if after["cases"]:
            # On a quick machine the one write transaction may commit before the kill
            # lands: then all of it is there, never a part.
            assert (after["cases"], after["persons"]) == (20_000, 20_000)
            return
        assert after == before  # no case, person, batch or audit row
        again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert "20000 cases created" in again.stdout
