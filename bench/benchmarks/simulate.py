"""Simulate an outbreak and write it to Parquet, against writing random columns.

The baseline writes tables with the same schemas and row counts, filled with
random values generated before the clock starts: the I/O floor that the
simulator cannot beat. The target for 1,000,000 cases is under 120 s.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa

from bench.registry import Measurement, timed
from fireline.demo.jurisdictions import from_csv
from fireline.jurisdictions.importer import bundled_divisions
from fireline.simulate import Outbreak, simulate, write
from fireline.simulate._arrow import fixed

NAME = "simulate"
DESCRIPTION = "simulate N cases and write Parquet (full: 1,000,000) vs writing random columns"
CASES = {"small": 20_000, "full": 1_000_000}
TARGET_S = 120.0


def run(scale: str) -> Measurement:
    cases = CASES[scale]
    jurisdictions = from_csv(bundled_divisions())
    with tempfile.TemporaryDirectory() as folder:
        result: dict[str, Outbreak] = {}

        def work() -> None:
            result["outbreak"] = simulate(jurisdictions, cases, seed=1, seed_county="330102")
            write(result["outbreak"], Path(folder) / "sim")

        figure = timed(work)
        outbreak = result["outbreak"]
        random = {name: random_like(t) for name, t in outbreak.tables().items()}
        baseline = timed(lambda: write_tables(random, Path(folder) / "floor"))
    rows = outbreak.counts()
    return Measurement(
        figure,
        "write random columns of the same shape to Parquet",
        baseline,
        {
            "cases": cases,
            "rows": rows,
            "rows_total": sum(rows.values()),
            "target_s": TARGET_S,
            "within_target": figure < TARGET_S,
        },
    )


def write_tables(tables: dict[str, pa.Table], folder: Path) -> None:
    from fireline.simulate.files import write_parquet

    folder.mkdir()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda kv: write_parquet(folder / f"{kv[0]}.parquet", kv[1]), tables.items()))


def random_like(table: pa.Table) -> pa.Table:
    """Random values with the same column types and lengths as ``table``."""
    rng = np.random.default_rng(0)
    rows = table.num_rows
    columns = {}
    for field in table.schema:
        kind = field.type
        if pa.types.is_dictionary(kind):
            size = len(table.column(field.name).chunk(0).dictionary) if rows else 1
            columns[field.name] = pa.DictionaryArray.from_arrays(
                pa.array(rng.integers(0, max(size, 1), rows).astype(np.int32)),
                table.column(field.name).chunk(0).dictionary if rows else pa.array([""]),
            )
        elif pa.types.is_string(kind):
            width = max(
                1,
                int(
                    np.mean(
                        [len(s) for s in table.column(field.name).slice(0, 1000).to_pylist() if s]
                        or [8]
                    )
                ),
            )
            columns[field.name] = fixed([(rng.integers(0, 10 ** min(width, 18), rows), width)])
        elif pa.types.is_boolean(kind):
            columns[field.name] = pa.array(rng.random(rows) < 0.5)
        elif pa.types.is_floating(kind):
            columns[field.name] = pa.array(rng.random(rows))
        else:  # integers, dates and timestamps: random integers cast to the type
            base = pa.int32() if pa.types.is_date32(kind) else pa.int64()
            values = rng.integers(0, 20_000, rows) * (
                86_400_000_000 if pa.types.is_timestamp(kind) else 1
            )
            columns[field.name] = pa.array(values).cast(base).cast(kind)
    return pa.table(columns)
