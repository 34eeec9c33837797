"""The import benchmark's file, split beforehand into the persons and cases rows Fireline
stores: what the same-tables baseline loads (see ``import_cases``).

Coded values are translated the way intake translates them (男 → male, report text to
dates, a county code to its id), one person per distinct national ID, and a case's
person_id is its person's position + 1: the id a fresh table's sequence (PostgreSQL)
or rowid (SQLite) hands out when the persons are written in this order.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

SEX = {"男": "male", "女": "female"}


def same_rows(path: Path, codes: dict[str, int], batch_id: int) -> tuple[pa.Table, pa.Table]:
    """(persons, cases) for the file at ``path``; ``codes``: county code → id."""
    text = _read_text(path)
    national_ids = text.column("national_id").combine_chunks()
    indices = pc.fill_null(pc.dictionary_encode(national_ids).indices, -1)
    group = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    blank = group < 0  # a row without a national ID is a person of its own
    group[blank] = group.max(initial=-1) + 1 + np.arange(int(blank.sum()))
    _, first = np.unique(group, return_index=True)  # groups number persons in file order
    person_of_row = group + 1
    jurisdiction = _codes(text.column("location"), codes)
    persons = pa.table(
        {
            "name": text.column("name"),
            "national_id": text.column("national_id"),
            "sex": _lookup(text.column("gender"), SEX),
            "birth_date": pc.cast(text.column("birth_date"), pa.date32()),
            "phone": text.column("phone"),
            "jurisdiction_id": jurisdiction,
        }
    ).take(pa.array(first))
    cases = pa.table(
        {
            "jurisdiction_id": jurisdiction,
            "person_id": pa.array(person_of_row, pa.int64()),
            "external_id": text.column("id"),
            "disease": pa.array(np.full(text.num_rows, "covid19", dtype=object), pa.string()),
            "source": pa.array(np.full(text.num_rows, "file", dtype=object), pa.string()),
            "classification": text.column("classification"),
            "date_onset": pc.cast(text.column("date_onset"), pa.date32()),
            "date_reporting": pc.cast(text.column("date_reporting"), pa.date32()),
            "imported": pa.array(np.zeros(text.num_rows, dtype=bool)),
            "outcome": text.column("outcome"),
            "import_batch_id": pa.array(np.full(text.num_rows, batch_id, dtype=np.int64)),
        }
    )
    return _stamped(persons), _stamped(cases)


def _read_text(path: Path) -> pa.Table:
    """Every column as text; empty values as nulls."""
    with path.open(encoding="utf-8") as file:
        names = file.readline().strip().split(",")
    return pacsv.read_csv(
        str(path),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=True,
        ),
    )


def _codes(column: pa.ChunkedArray, codes: dict[str, int]) -> pa.Array:
    index = pc.index_in(column, value_set=pa.array(list(codes), pa.string()))
    return pc.take(pa.array(list(codes.values()), pa.int64()), index)


def _lookup(column: pa.ChunkedArray, table: dict[str, str]) -> pa.Array:
    index = pc.index_in(column, value_set=pa.array(list(table), pa.string()))
    return pc.take(pa.array(list(table.values()), pa.string()), index)


def _stamped(table: pa.Table) -> pa.Table:
    count = table.num_rows
    now = np.datetime64(datetime.now(UTC).replace(tzinfo=None), "us")
    instants = pa.array(np.full(count, now), pa.timestamp("us", tz="UTC"))
    table = table.append_column("version", pa.array(np.ones(count, dtype=np.int64)))
    return table.append_column("created_at", instants).append_column("updated_at", instants)
