"""Paths to the reference fixtures (see tests/data/*/PROVENANCE.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

DATA = Path(__file__).resolve().parent.parent / "data"
EPIESTIM = DATA / "epiestim"
SURVEILLANCE = DATA / "surveillance"


def read_csv(path: Path) -> dict[str, list[str]]:
    """Columns of a CSV file as strings."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return {name: [r[i] for r in rows[1:]] for i, name in enumerate(rows[0])}


def column(table: dict[str, list[str]], name: str) -> NDArray[np.float64]:
    """One column as floats (empty cells become NaN)."""
    return np.array([float(v) if v not in ("", "NA") else np.nan for v in table[name]])
