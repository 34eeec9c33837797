"""Read the first sheet of an XLSX workbook into text columns (openpyxl, read-only mode).

openpyxl hands out rows, so this loop is per row; XLSX files are capped by Excel
at 1,048,576 rows and in practice are far smaller than the CSV files bulk loads use.

An XLSX is a ZIP archive. Before openpyxl inflates anything, the archive's directory is
read and a workbook that would unpack past the limits is refused (OWASP File Upload
Cheat Sheet, "Compressed files"; a 512 KB file unpacking to 200 MB is a zip bomb). The
sizes a member declares are a true bound: CPython's ``zipfile`` stops inflating a member
at its declared ``file_size`` (and fails its CRC check if the data goes on).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pyarrow as pa
from openpyxl import load_workbook

from fireline.interop.limits import DEFAULT_LIMITS, MB, FileLimits
from fireline.interop.messages import EMPTY_SHEET, NOT_A_WORKBOOK, TOO_BIG_UNPACKED
from fireline.interop.tables import (
    ReadError,
    TextTable,
    check_headers,
    clean_columns,
    drop_empty_rows,
)


def cell_text(value: Any) -> str | None:
    """A cell as text: dates as ISO 8601, whole numbers without ``.0``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_archive(data: bytes, limits: FileLimits = DEFAULT_LIMITS) -> None:
    """Refuse a workbook whose members would unpack past the size or ratio limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise ReadError(NOT_A_WORKBOOK) from exc
    unpacked = sum(member.file_size for member in members)
    ratio = unpacked / max(len(data), 1)
    if unpacked > limits.xlsx_max_unpacked or ratio > limits.xlsx_max_ratio:
        raise ReadError(
            TOO_BIG_UNPACKED,
            unpacked=round(unpacked / MB),
            ratio=round(ratio),
            limit=limits.xlsx_max_unpacked // MB,
            max_ratio=limits.xlsx_max_ratio,
        )


def read_xlsx(data: bytes, limits: FileLimits = DEFAULT_LIMITS) -> TextTable:
    check_archive(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise ReadError(NOT_A_WORKBOOK) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise ReadError(EMPTY_SHEET)
        raw_headers = [cell_text(v) or "" for v in header_row]
        while raw_headers and not raw_headers[-1].strip():
            raw_headers.pop()
        headers = check_headers([h.strip() for h in raw_headers])
        width = len(headers)
        columns: list[list[str | None]] = [[] for _ in headers]
        for row in rows:
            padded = (tuple(row) + (None,) * width)[:width]
            for column, value in zip(columns, padded, strict=True):
                column.append(cell_text(value))
    finally:
        workbook.close()
    table = pa.table([pa.array(c, pa.string()) for c in columns], names=headers)
    lines = np.arange(2, table.num_rows + 2, dtype=np.int64)
    return drop_empty_rows(TextTable(clean_columns(table), lines))
