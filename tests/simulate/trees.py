"""Jurisdiction tables for simulator tests: a small hand-made tree, or the province."""

from __future__ import annotations

import pyarrow as pa

from fireline.demo.jurisdictions import from_csv
from fireline.jurisdictions.importer import bundled_divisions


def small_tree() -> pa.Table:
    """Province P; cities C1 and C2 with two counties each (the leaves)."""
    codes = ["P", "C1", "C1A", "C1B", "C2", "C2A", "C2B"]
    return pa.table(
        {
            "code": codes,
            "parent_code": [None, "P", "C1", "C1", "P", "C2", "C2"],
            "level": ["province", "city", "county", "county", "city", "county", "county"],
            "population": [
                4_000_000,
                2_000_000,
                1_000_000,
                1_000_000,
                2_000_000,
                1_000_000,
                500_000,
            ],
            "lat": [30.0, 30.0, 30.0, 30.1, 29.0, 29.0, 29.1],
            "lon": [120.0, 120.0, 120.0, 120.1, 121.0, 121.0, 121.1],
        }
    )


def province() -> pa.Table:
    """Zhejiang's 102 divisions, as bundled for the demo."""
    return from_csv(bundled_divisions())


def leaves(table: pa.Table) -> set[str]:
    parents = set(table.column("parent_code").to_pylist())
    return {c for c in table.column("code").to_pylist() if c not in parents}
