"""Load a simulated outbreak into SQLite with load_outbreak, against plain executemany.

The baseline inserts the very same rows, already converted to Python tuples
before the clock starts, with ``sqlite3.executemany`` into an identical fresh
database: the floor for any loader on SQLite.
"""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.registry import Measurement, timed
from fireline.auth.scope import system_actor
from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.demo.jurisdictions import from_database
from fireline.demo.loader import load_outbreak, prepare, sqlite_rows
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.simulate import TABLES, Outbreak, simulate

NAME = "load-sqlite"
DESCRIPTION = "load_outbreak of N cases into SQLite (full: 100,000) vs plain executemany"
CASES = {"small": 5_000, "full": 100_000}


def _database(path: Path) -> tuple[Any, dict[str, int]]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT code, id FROM jurisdictions").all()
    return engine, {code: jid for code, jid in rows}


def run(scale: str) -> Measurement:
    cases = CASES[scale]
    with tempfile.TemporaryDirectory() as folder:
        engine, _ = _database(Path(folder) / "figure.db")
        with transaction(session_factory(engine)) as session:
            outbreak = simulate(from_database(session), cases, seed=1, seed_county="330102")

        def load() -> None:
            with transaction(session_factory(engine)) as session:
                load_outbreak(session, outbreak)

        figure = timed(load)
        engine.dispose()
        floor_engine, codes = _database(Path(folder) / "floor.db")
        floor_engine.dispose()
        statements = _statements(outbreak, codes)
        baseline = timed(lambda: _executemany(Path(folder) / "floor.db", statements))
    rows = outbreak.counts()
    return Measurement(
        figure,
        "sqlite3 executemany of the same rows, prepared beforehand",
        baseline,
        {
            "cases": cases,
            "rows": rows,
            "rows_total": sum(rows.values()),
            "rows_per_s": round(sum(rows.values()) / figure),
        },
    )


def _statements(outbreak: Outbreak, codes: dict[str, int]) -> list[tuple[str, list[Any]]]:
    offsets = dict.fromkeys(TABLES, 0)
    now = datetime.now(UTC)
    statements = []
    for name, table in outbreak.tables().items():
        prepared = prepare(name, table, offsets, codes, now)
        sql = (
            f"INSERT INTO {name} ({', '.join(prepared.column_names)}) "
            f"VALUES ({', '.join('?' * prepared.num_columns)})"
        )
        rows = [row for batch in sqlite_rows(prepared) for row in batch]
        statements.append((sql, rows))
    return statements


def _executemany(path: Path, statements: list[tuple[str, list[Any]]]) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("BEGIN")
    for sql, rows in statements:
        connection.executemany(sql, rows)
    connection.execute("COMMIT")
    connection.close()
