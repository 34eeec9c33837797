"""Bulk case import against plain loading of the same rows into the same tables.

Generates N case rows as a CSV file (vectorised: names, valid GB 11643 national IDs,
dates, county codes of the bundled province). On each database, in one run, on
fresh databases migrated to head (same tables, indexes and constraints):

- figure: ``fireline.surveillance.intake.batches.import_file`` of the file (read,
  map, validate every row, match national IDs, write persons and cases, propose
  matches), timed from the file's bytes to the commit;
- baseline (the issue's "plain COPY of the same rows"): the rows already split into
  the ``persons`` and ``cases`` columns Fireline stores, typed and encoded before the
  clock starts, written with one ``COPY`` per table (PostgreSQL) or one
  ``executemany`` per table (SQLite) into the same tables: no parsing, validation,
  matching or id logic (ids come from the sequences / rowids; a case's person_id is
  the id its person gets on the fresh table, known beforehand);
- baseline with the import's settings (``db.bulk.bulk_settings``: PostgreSQL
  ``synchronous_commit = off``, SQLite a 256 MiB page cache), reported beside it;
- floor: the raw file into a bare one-table staging table of text columns (``COPY``
  on PostgreSQL, ``executemany`` on SQLite): no typing, no indexes.

Targets (issue "case intake"): 1,000,000 rows into PostgreSQL under 60 s on 2 cores,
and within 3x of the baseline on each database. PostgreSQL needs
FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL (the benchmark creates
and drops its own databases); without it only SQLite runs.

``python -m bench import-cases --scale full``, or for one database and a row count
``python -m bench.benchmarks.import_cases --rows 1000000 --database sqlite``. With
``--without-id 0.3`` that share of rows has no national ID, so duplicate-person
matching blocks on birth date and phone (issue #12: 200,000 rows under 60 s on SQLite).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bench.registry import Measurement

NAME = "import-cases"
DESCRIPTION = (
    "bulk case import of N CSV rows (full: 1,000,000) vs COPY/executemany of the same rows"
)
ROWS = {"small": 50_000, "full": 1_000_000}
TARGET_S = 60.0
TARGET_RATIO = 3.0
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅文斌志强海燕晓东雪"
HEADERS = (
    "id",
    "name",
    "national_id",
    "gender",
    "birth_date",
    "phone",
    "location",
    "date_onset",
    "date_reporting",
    "classification",
    "outcome",
)
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


@dataclass(frozen=True)
class Figures:
    """Seconds on one database: Fireline, the same-tables baseline and the floor."""

    database: str
    rows: int
    fireline_s: float
    baseline_s: float
    floor_s: float
    tuned_s: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "fireline_s": round(self.fireline_s, 3),
            "baseline_same_tables_s": round(self.baseline_s, 3),
            "floor_bare_text_table_s": round(self.floor_s, 3),
            "baseline_same_settings_s": round(self.tuned_s, 3),
            "ratio_to_same_settings": round(self.fireline_s / self.tuned_s, 2),
            "ratio": round(self.fireline_s / self.baseline_s, 2),
            "ratio_to_floor": round(self.fireline_s / self.floor_s, 2),
        }

    def line(self) -> str:
        return (
            f"{self.database:<10} {self.rows:>9,} rows  fireline {self.fireline_s:7.2f} s  "
            f"same tables {self.baseline_s:6.2f} s ({self.fireline_s / self.baseline_s:4.2f}x)  "
            f"bare text {self.floor_s:6.2f} s ({self.fireline_s / self.floor_s:5.1f}x)  "
            f"same settings {self.tuned_s:6.2f} s ({self.fireline_s / self.tuned_s:4.2f}x)"
        )


# The rows -------------------------------------------------------------------------


def _dates(rng: np.random.Generator, start: str, days: int, n: int) -> npt.NDArray[Any]:
    return np.datetime64(start) + rng.integers(0, days, n).astype("m8[D]")


def _national_ids(
    codes: npt.NDArray[Any], births: npt.NDArray[Any], rng: np.random.Generator
) -> npt.NDArray[Any]:
    """18-character IDs: area code, birth date, sequence, ISO 7064 MOD 11-2 check."""
    body = np.char.add(
        np.char.add(codes.astype("U6"), np.char.replace(births.astype("U10"), "-", "")),
        np.char.zfill(rng.integers(0, 1000, len(codes)).astype("U3"), 3),
    )
    digits = body.astype("S17").view(np.uint8).reshape(-1, 17).astype(np.int64) - ord("0")
    check = np.frombuffer(b"10X98765432", dtype="S1")[(digits @ WEIGHTS) % 11].astype("U1")
    return np.char.add(body, check)


def _names(rng: np.random.Generator, rows: int) -> npt.NDArray[Any]:
    pick = np.array(list(SURNAMES))[rng.integers(0, len(SURNAMES), rows)]
    given = np.array(list(GIVEN))
    return np.char.add(
        np.char.add(pick, given[rng.integers(0, len(given), rows)]),
        given[rng.integers(0, len(given), rows)],
    )


def generate(rows: int, counties: list[str], seed: int = 7, without_id: float = 0.0) -> pa.Table:
    """Case rows as a text table with the epiverse linelist tag names; a share
    ``without_id`` of them (drawn at random) has a blank national ID."""
    rng = np.random.default_rng(seed)
    names = _names(rng, rows)
    codes = np.array(counties)[rng.integers(0, len(counties), rows)]
    births = _dates(rng, "1940-01-01", 80 * 365, rows)
    onset = _dates(rng, "2022-03-01", 90, rows)
    report = onset + rng.integers(0, 5, rows).astype("m8[D]")
    columns = [
        np.char.add("B", np.arange(rows).astype("U9")),
        names,
        np.where(rng.random(rows) < without_id, "", _national_ids(codes, births, rng)),
        np.array(["男", "女"])[rng.integers(0, 2, rows)],
        births.astype("U10"),
        np.char.add("13", np.char.zfill(rng.integers(0, 10**9, rows).astype("U9"), 9)),
        codes,
        onset.astype("U10"),
        report.astype("U10"),
        np.array(["confirmed", "suspected", "probable"])[rng.integers(0, 3, rows)],
        np.array(["", "recovered", "died"])[rng.choice(3, rows, p=[0.8, 0.19, 0.01])],
    ]
    return pa.table([pa.array(c.tolist(), pa.string()) for c in columns], names=list(HEADERS))


def write_csv(table: pa.Table, path: Path) -> None:
    pacsv.write_csv(table, str(path), pacsv.WriteOptions(quoting_style="none"))


# The databases ----------------------------------------------------------------------


def postgres_url() -> str | None:
    return os.environ.get("FIRELINE_BENCH_POSTGRES_URL") or os.environ.get(
        "FIRELINE_TEST_POSTGRES_URL"
    )


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A fresh database on the server at ``url``, dropped afterwards."""
    from fireline.db.engine import normalise_url

    admin_url = make_url(normalise_url(url))
    name = f"fireline_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_database(database: str, folder: Path) -> Iterator[Engine]:
    """A migrated database holding the bundled province (PostgreSQL or a SQLite file)."""
    from fireline.auth.scope import system_actor
    from fireline.db.engine import make_engine, session_factory, transaction
    from fireline.db.migrate import upgrade
    from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions

    with _url(database, folder) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            with transaction(session_factory(engine)) as session:
                import_jurisdictions(session, system_actor(), bundled_divisions())
            yield engine
        finally:
            engine.dispose()


@contextmanager
def _url(database: str, folder: Path) -> Iterator[str]:
    if database == "sqlite":
        yield f"sqlite:///{folder}/{uuid.uuid4().hex[:8]}.db"
        return
    server = postgres_url()
    assert server, "set FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL"
    with postgres_database(server) as url:
        yield url


def county_codes(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT code, id FROM jurisdictions WHERE level = 'county' ORDER BY code")
        )
        return {code: int(ident) for code, ident in rows}


# The three measurements --------------------------------------------------------------


def fireline_import(engine: Engine, path: Path) -> float:
    from fireline.context import Context
    from fireline.db.engine import session_factory, transaction
    from fireline.settings import Settings
    from fireline.surveillance.intake.batches import ImportOptions, import_file

    started = time.perf_counter()
    with transaction(session_factory(engine)) as session:
        batch = import_file(
            session,
            Context.for_command(Settings()),
            filename=path.name,
            content=path.read_bytes(),
            options=ImportOptions(disease="covid19"),
        )
        assert batch.status == "committed", (batch.status, batch.bad_rows)
        assert batch.cases_created == batch.total_rows
    return time.perf_counter() - started


def _raw(engine: Engine, work: Callable[[Any], None]) -> float:
    """Seconds of ``work(driver connection)`` in one transaction, commit included."""
    started = time.perf_counter()
    with engine.begin() as connection:
        work(connection.connection.driver_connection)
    return time.perf_counter() - started


def floor(engine: Engine, path: Path) -> float:
    """The raw file into a bare table of text columns: no typing, no index."""
    columns = ", ".join(f'"{h}" TEXT' for h in HEADERS)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE bench_stage ({columns})"))
    if engine.dialect.name == "postgresql":
        data = path.read_bytes()
        return _raw(engine, lambda raw: _copy(raw, "bench_stage", None, data, header=True))
    table = pacsv.read_csv(str(path), convert_options=_all_text())
    rows = list(zip(*(c.to_pylist() for c in table.columns), strict=True))
    marks = ", ".join("?" for _ in HEADERS)
    return _raw(
        engine, lambda raw: raw.executemany(f"INSERT INTO bench_stage VALUES ({marks})", rows)
    )


def _all_text() -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(column_types={h: pa.string() for h in HEADERS})


def _copy(raw: Any, table: str, columns: list[str] | None, data: bytes, *, header: bool) -> None:
    names = f" ({', '.join(columns)})" if columns else ""
    options = "FORMAT csv, HEADER" if header else "FORMAT csv"
    with raw.cursor() as cursor, cursor.copy(f"COPY {table}{names} FROM STDIN ({options})") as copy:
        copy.write(data)


def baseline(engine: Engine, path: Path, *, tuned: bool = False) -> float:
    """The same rows, split and typed beforehand, into the same persons and cases tables;
    ``tuned``: with the settings the import uses (``db.bulk.bulk_settings``)."""
    from bench.benchmarks._import_rows import same_rows
    from fireline.db.bulk import SQLITE_IMPORT_PRAGMAS

    persons, cases = same_rows(path, county_codes(engine), _batch(engine))
    if engine.dialect.name == "postgresql":
        blobs = [(name, table.column_names, _csv(table)) for name, table in _tables(persons, cases)]

        def copy_all(raw: Any) -> None:
            if tuned:
                raw.execute("SET LOCAL synchronous_commit = off")
            for name, columns, data in blobs:
                _copy(raw, name, columns, data, header=False)

        return _raw(engine, copy_all)
    statements = [(_insert(name, table), _tuples(table)) for name, table in _tables(persons, cases)]

    def insert_all(raw: Any) -> None:
        for pragma, value in SQLITE_IMPORT_PRAGMAS.items() if tuned else ():
            raw.execute(f"PRAGMA {pragma} = {value}")
        for sql, rows in statements:
            raw.executemany(sql, rows)

    return _raw(engine, insert_all)


def _batch(engine: Engine) -> int:
    """The batch the baseline's cases name (created before the clock starts)."""
    from fireline.db.engine import session_factory, transaction
    from fireline.surveillance.models import ImportBatch

    with transaction(session_factory(engine)) as session:
        batch = ImportBatch(
            jurisdiction_id=min(county_codes(engine).values()),
            filename="baseline.csv",
            source="file",
            disease="covid19",
            default_classification="suspected",
            status="committed",
        )
        session.add(batch)
        session.flush()
        return batch.id


def _tables(persons: pa.Table, cases: pa.Table) -> list[tuple[str, pa.Table]]:
    return [("persons", persons), ("cases", cases)]


def _csv(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False))
    return bytes(sink.getvalue())


def _insert(name: str, table: pa.Table) -> str:
    marks = ", ".join("?" for _ in table.column_names)
    return f"INSERT INTO {name} ({', '.join(table.column_names)}) VALUES ({marks})"


def _tuples(table: pa.Table) -> list[tuple[Any, ...]]:
    """Python values as SQLAlchemy stores them in SQLite (ISO text for dates, instants)."""
    from fireline.db.bulk import sqlite_values

    return list(zip(*(sqlite_values(c) for c in table.columns), strict=True))


def measure(database: str, rows: int, folder: Path, without_id: float = 0.0) -> Figures:
    """The figures on ``database``: the import, the baseline (plain, then with the
    import's settings) and the floor, each on a fresh database (the floor after the
    plain baseline, in its own table)."""
    path = folder / f"cases_{rows}.csv"
    with fresh_database(database, folder) as engine:
        write_csv(generate(rows, list(county_codes(engine)), without_id=without_id), path)
        ours = fireline_import(engine, path)
    with fresh_database(database, folder) as engine:
        base = baseline(engine, path)
        bare = floor(engine, path)
    with fresh_database(database, folder) as engine:
        tuned = baseline(engine, path, tuned=True)
    return Figures(database, rows, ours, base, bare, tuned)


def run(scale: str) -> Measurement:
    """PostgreSQL (when a server is configured) and SQLite; the figure is PostgreSQL's."""
    databases = ["postgresql", "sqlite"] if postgres_url() else ["sqlite"]
    with tempfile.TemporaryDirectory() as folder:
        figures = {db: measure(db, ROWS[scale], Path(folder)) for db in databases}
    main = figures[databases[0]]
    detail: dict[str, Any] = {db: f.as_dict() for db, f in figures.items()}
    detail.update(rows=ROWS[scale], target_s=TARGET_S, target_ratio=TARGET_RATIO)
    return Measurement(
        main.fireline_s,
        f"{main.database}: same rows pre-split into persons and cases, plain "
        + ("COPY" if main.database == "postgresql" else "executemany")
        + " into the same tables",
        main.baseline_s,
        detail,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS["full"])
    parser.add_argument("--database", choices=("postgresql", "sqlite"), action="append")
    parser.add_argument("--without-id", type=float, default=0.0, help="share of rows, 0..1")
    args = parser.parse_args(argv)
    databases = args.database or (["postgresql", "sqlite"] if postgres_url() else ["sqlite"])
    with tempfile.TemporaryDirectory() as folder:
        for database in databases:
            figures = measure(database, args.rows, Path(folder), args.without_id)
            print(figures.line(), flush=True)


if __name__ == "__main__":
    main()
