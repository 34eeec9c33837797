"""Write an outbreak to a folder: one Parquet or CSV file per table.

Tables are written in parallel threads: Arrow's writers release the GIL, so
on two cores two tables encode at once.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from fireline.simulate.outbreak import Outbreak

Format = Literal["parquet", "csv"]
FORMATS: tuple[Format, ...] = ("parquet", "csv")


def write(outbreak: Outbreak, folder: Path, file_format: Format = "parquet") -> list[Path]:
    """Write every table and a small ``outbreak.json``; returns the files written."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}; use parquet or csv")
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(folder / f"{name}.{file_format}", table) for name, table in outbreak.tables().items()]
    writer = write_parquet if file_format == "parquet" else write_csv
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        paths = list(pool.map(lambda job: writer(*job), jobs))
    manifest = folder / "outbreak.json"
    manifest.write_text(json.dumps(describe(outbreak), indent=2) + "\n", encoding="utf-8")
    return [*paths, manifest]


def write_parquet(path: Path, table: pa.Table) -> Path:
    pq.write_table(table, path, compression="zstd")
    return path


def write_csv(path: Path, table: pa.Table) -> Path:
    pa_csv.write_csv(table, path)
    return path


def describe(outbreak: Outbreak) -> dict[str, object]:
    return {
        "start": outbreak.start.isoformat(),
        "as_of": outbreak.as_of.isoformat(),
        "seed": outbreak.seed,
        "seed_county": outbreak.seed_county,
        "disease": outbreak.params.disease,
        "rows": outbreak.counts(),
    }
