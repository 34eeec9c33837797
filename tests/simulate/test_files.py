from __future__ import annotations

import json
from pathlib import Path

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from fireline.simulate import TABLES, Outbreak, write


def test_parquet_has_one_file_per_table(outbreak: Outbreak, tmp_path: Path) -> None:
    write(outbreak, tmp_path / "out")
    for name in TABLES:
        table = pq.read_table(tmp_path / "out" / f"{name}.parquet")
        assert table.num_rows == outbreak.tables()[name].num_rows
        assert table.column_names == outbreak.tables()[name].column_names
    manifest = json.loads((tmp_path / "out" / "outbreak.json").read_text())
    assert manifest["rows"]["cases"] == outbreak.cases.num_rows


def test_csv_reads_back(outbreak: Outbreak, tmp_path: Path) -> None:
    write(outbreak, tmp_path, "csv")
    cases = pa_csv.read_csv(tmp_path / "cases.csv")
    assert cases.num_rows == outbreak.cases.num_rows
    assert "date_onset" in cases.column_names


def test_unknown_format(outbreak: Outbreak, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        write(outbreak, tmp_path, "xlsx")  # type: ignore[arg-type]
