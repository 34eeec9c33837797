"""The jurisdiction tree as the simulator wants it: plain columns, parents first."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from fireline.places.models import Jurisdiction


def from_database(target: Session | Connection) -> pa.Table:
    """Every jurisdiction in tree order (by path), so the first leaf is stable."""
    statement = select(
        Jurisdiction.code,
        Jurisdiction.path,
        Jurisdiction.level,
        Jurisdiction.population,
        Jurisdiction.lat,
        Jurisdiction.lon,
    ).order_by(Jurisdiction.path)
    rows = list(target.execute(statement))
    return pa.table(
        {
            "code": pa.array([r.code for r in rows], type=pa.string()),
            "parent_code": pa.array([_parent(r.path) for r in rows], type=pa.string()),
            "level": pa.array([r.level for r in rows], type=pa.string()),
            "population": pa.array([r.population for r in rows], type=pa.int64()),
            "lat": pa.array([r.lat for r in rows], type=pa.float64()),
            "lon": pa.array([r.lon for r in rows], type=pa.float64()),
        }
    )


def _parent(path: str) -> str | None:
    codes = [c for c in path.split("/") if c]
    return codes[-2] if len(codes) > 1 else None


def from_csv(path: Path) -> pa.Table:
    """A jurisdiction CSV in the import format (``population_2020`` or ``population``)."""
    text_columns = {"code": pa.string(), "parent_code": pa.string()}
    table = pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(column_types=text_columns))
    names = ["population" if n == "population_2020" else n for n in table.column_names]
    return table.rename_columns(names)
