"""Read a CSV or XLSX file into a table of text columns, one row per record.

This is the shared reader of every importer: it decides nothing about meaning.
Each column is a string column (empty cells and blank-only cells are null), named
by its header; each row knows its line number (the header is line 1, as in a
spreadsheet: a quoted value that spans lines still counts as one line). Lines
that cannot be read (wrong encoding, wrong number of values) come back as
problems and as rows of the table are dropped, so that the caller can report
them and carry on with the rest.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from fireline.interop.encoding import UTF8_SIG, to_utf8

XLSX_SUFFIXES = (".xlsx", ".xlsm")


class ReadError(ValueError):
    """The file cannot be read at all (no header, duplicate headers, not a workbook...)."""


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str


@dataclass
class TextTable:
    table: pa.Table
    lines: npt.NDArray[np.int64]
    encoding: str | None = None
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return list(self.table.column_names)


def read_table(data: bytes, filename: str) -> TextTable:
    """Read ``data`` as XLSX when the name says so, else as CSV."""
    if PurePath(filename).suffix.lower() in XLSX_SUFFIXES:
        from fireline.interop.xlsx import read_xlsx

        return read_xlsx(data)
    return read_csv(data)


def read_csv(raw: bytes) -> TextTable:
    """Read CSV bytes in UTF-8 (with or without BOM) or GB18030."""
    decoded = to_utf8(raw)
    headers = _headers(decoded.data)
    names = [f"c{i}" for i in range(len(headers))]
    table, invalid = _parse(decoded.data, names, threads=True)
    if invalid:
        # pyarrow numbers invalid rows only when reading on one thread (pyarrow
        # docs, ParseOptions.invalid_row_handler); this re-read is the rare path.
        table, invalid = _parse(decoded.data, names, threads=False)
    bad_numbers = np.array(sorted(n for n, _ in invalid), dtype=np.int64)
    lines = np.setdiff1d(np.arange(2, table.num_rows + len(invalid) + 2), bad_numbers)
    problems = [LineProblem(n, message) for n, message in invalid if message]
    what = "UTF-8" if decoded.encoding in ("utf-8", UTF8_SIG) else "GB18030"
    problems += [LineProblem(n, f"the line is not valid {what} text") for n in decoded.bad_lines]
    text = clean_columns(table.rename_columns(headers))
    return drop_empty_rows(TextTable(text, lines.astype(np.int64), decoded.encoding, problems))


def _headers(data: bytes) -> list[str]:
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)].decode("utf-8", errors="replace")
    row = next(csv.reader([first.rstrip("\r")]), [])
    headers = [h.strip() for h in row]
    while headers and not headers[-1]:
        headers.pop()  # trailing delimiters, as some spreadsheet exports write
    return check_headers(headers)


def check_headers(headers: list[str]) -> list[str]:
    """Refuse a missing header row or a header that appears twice; name blank ones."""
    if not headers:
        raise ReadError("the file is empty or has no header line")
    named = [h or f"column {i + 1}" for i, h in enumerate(headers)]
    seen: set[str] = set()
    for name in named:
        if name in seen:
            raise ReadError(f"the header {name!r} appears twice")
        seen.add(name)
    return named


def _parse(
    data: bytes, names: list[str], *, threads: bool
) -> tuple[pa.Table, list[tuple[int, str]]]:
    invalid: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        blank = not (row.text or "").strip(" ,\r\n\t")
        message = (
            "" if blank else (f"expected {row.expected_columns} values, found {row.actual_columns}")
        )
        invalid.append((row.number or 0, message))
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    )
    return table, invalid


def clean_columns(table: pa.Table) -> pa.Table:
    """Trim blanks around every value; a value that is only blanks becomes null."""
    columns = []
    for column in table.columns:
        trimmed = pc.utf8_trim_whitespace(column)
        columns.append(pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed))
    return pa.table(columns, names=table.column_names)


def drop_empty_rows(text: TextTable) -> TextTable:
    """Rows with no value at all (spreadsheets leave them at the end) are not records."""
    if text.table.num_columns == 0 or text.table.num_rows == 0:
        return text
    keep = pc.is_valid(text.table.column(0))
    for column in text.table.columns[1:]:
        keep = pc.or_(keep, pc.is_valid(column))
    if pc.all(keep).as_py():
        return text
    mask = keep.to_numpy(zero_copy_only=False)
    return TextTable(text.table.filter(keep), text.lines[mask], text.encoding, text.problems)
