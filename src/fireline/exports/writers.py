"""Write chunks of lines as CSV, XLSX or Parquet bytes, a piece at a time.

- CSV: UTF-8 with a BOM (so that Excel reads Chinese text), one piece per chunk.
- Parquet: one row group per chunk (pyarrow ``ParquetWriter``), each piece sent once its
  row group is written; the footer comes last (Apache Parquet file format).
- XLSX: openpyxl's write-only mode keeps written rows in a temporary file, not in
  memory (openpyxl docs, "Write-only mode"); the workbook is a ZIP whose directory is
  written at the end, so the file is finished on disk and then sent in pieces.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

PIECE: Final = 1 << 20
MEDIA_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
_BOOL_COLUMNS: Final = ("imported",)


def stream(
    fmt: str, header: tuple[str, ...], chunks: Iterable[list[tuple[Any, ...]]]
) -> Iterator[bytes]:
    """The file in ``fmt`` as pieces of bytes."""
    if fmt == "xlsx":
        return xlsx_pieces(header, chunks)
    if fmt == "parquet":
        return parquet_pieces(header, chunks)
    return csv_pieces(header, chunks)


def csv_pieces(header: tuple[str, ...], chunks: Iterable[list[tuple[Any, ...]]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    yield ("\ufeff" + buffer.getvalue()).encode()
    for chunk in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(chunk)
        yield buffer.getvalue().encode()


def xlsx_pieces(
    header: tuple[str, ...], chunks: Iterable[list[tuple[Any, ...]]]
) -> Iterator[bytes]:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("line list")
    sheet.append(list(header))
    for chunk in chunks:
        for line in chunk:
            sheet.append(list(line))
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while piece := file.read(PIECE):
            yield piece


class _Sink(io.RawIOBase):
    """A write-only file that hands its bytes on instead of keeping them; ``tell`` counts
    every byte written, as Parquet's writer records offsets in the footer."""

    def __init__(self) -> None:
        self.pending = bytearray()
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self.pending += view
        self.written += view.nbytes
        return view.nbytes

    def tell(self) -> int:
        return self.written

    def take(self) -> bytes:
        piece = bytes(self.pending)
        self.pending.clear()
        return piece


def schema(header: tuple[str, ...], weeks: bool) -> pa.Schema:
    """Text columns, dates as dates (week labels as text), ``imported`` as a boolean."""
    fields = []
    for name in header:
        if name in _BOOL_COLUMNS:
            fields.append(pa.field(name, pa.bool_()))
        elif name in ("onset", "reported", "confirmed", "outcome_date") and not weeks:
            fields.append(pa.field(name, pa.date32()))
        else:
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


def parquet_pieces(
    header: tuple[str, ...], chunks: Iterable[list[tuple[Any, ...]]]
) -> Iterator[bytes]:
    weeks = any(name.endswith("_week") for name in header)
    layout = schema(header, weeks)
    sink = _Sink()
    with pq.ParquetWriter(pa.PythonFile(sink, mode="w"), layout, compression="zstd") as writer:
        for chunk in chunks:
            columns = list(zip(*chunk, strict=True)) if chunk else [()] * len(header)
            table = pa.table(
                [pa.array(list(c), type=f.type) for c, f in zip(columns, layout, strict=True)],
                schema=layout,
            )
            writer.write_table(table, row_group_size=len(chunk) or 1)
            yield sink.take()
    yield sink.take()


def as_text(value: Any) -> str:
    """A cell as the CSV writer prints it (for tests comparing formats)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
