"""Bulk case import against plain loading of the same rows, in the same run.

Generates N case rows as a CSV file (vectorised: names, valid GB 11643 national IDs,
dates, county codes of the bundled province), then times on each database:

- baseline: PostgreSQL ``COPY`` of the file into a bare table of text columns;
  SQLite ``executemany`` of the file's rows into a bare table (the fastest plain paths);
- fireline: ``fireline.surveillance.intake.batches.import_file`` of the same file
  (read, map, validate every row, match national IDs, write persons, cases and
  classification history, propose matches).

Targets (issue "case intake"): 1,000,000 rows into PostgreSQL under 60 s on 2 cores,
and within 3x of the baseline on each database.

Run: ``python -m bench.import_cases --rows 1000000 [--postgres URL] [--no-sqlite]``.
PostgreSQL needs FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL; the
benchmark creates and drops its own database.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

FULL_SCALE = 1_000_000
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
    database: str
    rows: int
    baseline_s: float
    fireline_s: float

    @property
    def ratio(self) -> float:
        return self.fireline_s / self.baseline_s

    def line(self) -> str:
        return (
            f"{self.database:<10} {self.rows:>9,} rows  baseline {self.baseline_s:7.2f} s  "
            f"fireline {self.fireline_s:7.2f} s  ratio {self.ratio:4.2f}x"
        )


def _dates(rng: np.random.Generator, start: str, days: int, n: int) -> np.ndarray:
    return np.datetime64(start) + rng.integers(0, days, n).astype("m8[D]")


def _national_ids(codes: np.ndarray, births: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """18-character IDs: area code, birth date, sequence, ISO 7064 MOD 11-2 check."""
    body = np.char.add(
        np.char.add(codes.astype("U6"), np.char.replace(births.astype("U10"), "-", "")),
        np.char.zfill(rng.integers(0, 1000, len(codes)).astype("U3"), 3),
    )
    digits = body.astype("S17").view(np.uint8).reshape(-1, 17).astype(np.int64) - ord("0")
    check = np.frombuffer(b"10X98765432", dtype="S1")[(digits @ WEIGHTS) % 11].astype("U1")
    return np.char.add(body, check)


def generate(rows: int, counties: list[str], seed: int = 7) -> pa.Table:
    """Case rows as a text table with the epiverse linelist tag names."""
    rng = np.random.default_rng(seed)
    pick = np.array(list(SURNAMES))[rng.integers(0, len(SURNAMES), rows)]
    given = np.array(list(GIVEN))
    names = np.char.add(
        np.char.add(pick, given[rng.integers(0, len(given), rows)]),
        given[rng.integers(0, len(given), rows)],
    )
    codes = np.array(counties)[rng.integers(0, len(counties), rows)]
    births = _dates(rng, "1940-01-01", 80 * 365, rows)
    onset = _dates(rng, "2022-03-01", 90, rows)
    report = onset + rng.integers(0, 5, rows).astype("m8[D]")
    columns = [
        np.char.add("B", np.arange(rows).astype("U9")),
        names,
        _national_ids(codes, births, rng),
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


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    from fireline.db.engine import normalise_url

    admin_url = make_url(normalise_url(url))
    name = f"fireline_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(engine: Engine) -> list[str]:
    """Migrate, load the bundled province, return its county codes."""
    from fireline.auth.scope import system_actor
    from fireline.db.engine import session_factory, transaction
    from fireline.db.migrate import upgrade
    from fireline.places.importer import bundled_divisions, import_jurisdictions
    from fireline.places.models import Jurisdiction

    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT code FROM jurisdictions WHERE level = 'county'"))
        codes = [r[0] for r in rows]
    assert Jurisdiction is not None
    return codes


def baseline(engine: Engine, path: Path) -> float:
    """Plain loading of the file into a bare table of text columns."""
    columns = ", ".join(f'"{h}" TEXT' for h in HEADERS)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE bench_stage ({columns})"))
    started = time.perf_counter()
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        if engine.dialect.name == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy("COPY bench_stage FROM STDIN (FORMAT csv, HEADER)") as copy,
                path.open("rb") as f,
            ):
                while data := f.read(1 << 20):
                    copy.write(data)
        else:
            with path.open(encoding="utf-8", newline="") as f:
                reader = csv.reader(f)
                next(reader)
                marks = ", ".join("?" for _ in HEADERS)
                raw.executemany(f"INSERT INTO bench_stage VALUES ({marks})", reader)
    return time.perf_counter() - started


def fireline_import(engine: Engine, path: Path) -> float:
    from fireline.auth.scope import system_actor
    from fireline.db.engine import session_factory, transaction
    from fireline.surveillance.intake.batches import ImportOptions, import_file

    started = time.perf_counter()
    with transaction(session_factory(engine)) as session:
        batch = import_file(
            session,
            system_actor(),
            filename=path.name,
            content=path.read_bytes(),
            options=ImportOptions(disease="covid19"),
        )
        assert batch.status == "committed", (batch.status, batch.bad_rows)
        assert batch.cases_created == batch.total_rows
    return time.perf_counter() - started


def measure(database: str, url: str, rows: int, folder: Path) -> Figures:
    from fireline.db.engine import make_engine

    engine = make_engine(url)
    try:
        counties = prepare(engine)
        path = folder / f"cases_{rows}.csv"
        write_csv(generate(rows, counties), path)
        base = baseline(engine, path)
        ours = fireline_import(engine, path)
    finally:
        engine.dispose()
    return Figures(database, rows, base, ours)


def run(
    rows: int = FULL_SCALE, postgres_url: str | None = None, sqlite: bool = True
) -> list[Figures]:
    """Both databases (PostgreSQL when a URL is known); prints and returns the figures."""
    url = (
        postgres_url
        or os.environ.get("FIRELINE_BENCH_POSTGRES_URL")
        or os.environ.get("FIRELINE_TEST_POSTGRES_URL")
    )
    figures: list[Figures] = []
    with tempfile.TemporaryDirectory() as folder:
        if url:
            with postgres_database(url) as database_url:
                figures.append(measure("postgresql", database_url, rows, Path(folder)))
                print(figures[-1].line(), flush=True)
        if sqlite:
            figures.append(measure("sqlite", f"sqlite:///{folder}/bench.db", rows, Path(folder)))
            print(figures[-1].line(), flush=True)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=FULL_SCALE)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args(argv)
    run(args.rows, args.postgres, not args.no_sqlite)


if __name__ == "__main__":
    main()
