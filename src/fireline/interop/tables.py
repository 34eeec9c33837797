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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from fireline.interop.encoding import GB18030, UTF8, UTF8_SIG, to_utf8
from fireline.interop.limits import DEFAULT_LIMITS, MB, FileLimits
from fireline.interop.messages import (
    DUPLICATE_HEADER,
    EMPTY,
    HEADER_LINE_BREAK,
    NOT_CSV,
    ReadError,
)

__all__ = ["LineProblem", "ReadError", "TextTable", "read_csv", "read_table"]

XLSX_SUFFIXES = (".xlsx", ".xlsm")
# pyarrow's default block; a header or row longer than a block cannot be parsed, so the
# block grows to hold the header (pyarrow docs, ReadOptions.block_size).
BLOCK_SIZE = 1 << 20


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


def read_table(data: bytes, filename: str, limits: FileLimits = DEFAULT_LIMITS) -> TextTable:
    """Read ``data`` as XLSX when the name says so, else as CSV."""
    if PurePath(filename).suffix.lower() in XLSX_SUFFIXES:
        from fireline.interop.xlsx import read_xlsx

        return read_xlsx(data, limits)
    return read_csv(data)


def read_csv(raw: bytes) -> TextTable:
    """Read CSV bytes in UTF-8 (with or without BOM), UTF-16 or GB18030."""
    decoded = to_utf8(raw)
    headers, header_end = _headers(decoded.data)
    names = [f"c{i}" for i in range(len(headers))]
    block = max(BLOCK_SIZE, 2 * header_end)
    table, invalid = _parse(decoded.data, names, threads=True, block=block)
    if invalid:
        # pyarrow numbers invalid rows only when reading on one thread (pyarrow
        # docs, ParseOptions.invalid_row_handler); this re-read is the rare path.
        table, invalid = _parse(decoded.data, names, threads=False, block=block)
    bad_numbers = np.array(sorted(n for n, _ in invalid), dtype=np.int64)
    lines = np.setdiff1d(np.arange(2, table.num_rows + len(invalid) + 2), bad_numbers)
    problems = [LineProblem(n, message) for n, message in invalid if message]
    what = "UTF-8" if decoded.encoding in (UTF8, UTF8_SIG) else decoded.encoding.upper()
    what = "GB18030" if decoded.encoding == GB18030 else what
    problems += [LineProblem(n, f"the line is not valid {what} text") for n in decoded.bad_lines]
    text = clean_columns(table.rename_columns(headers))
    return drop_empty_rows(TextTable(text, lines.astype(np.int64), decoded.encoding, problems))


def _headers(data: bytes) -> tuple[list[str], int]:
    """The header names and where the header line ends.

    The header ends at the first CR or LF, as pyarrow's ``skip_rows`` counts lines
    (RFC 4180 allows CRLF; old Mac exports end lines with a bare CR). A quote left open
    there is a line break inside a quoted header, which ``skip_rows`` cannot skip.
    """
    ends = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
    end = min(ends) if ends else len(data)
    first = data[:end].decode("utf-8", errors="replace")
    try:
        row = next(csv.reader([first], strict=True), [])
    except csv.Error:
        raise ReadError(HEADER_LINE_BREAK) from None
    headers = [h.strip() for h in row]
    while headers and not headers[-1]:
        headers.pop()  # trailing delimiters, as some spreadsheet exports write
    return check_headers(headers), end


def check_headers(headers: list[str]) -> list[str]:
    """Refuse a missing header row or a header that appears twice; name blank ones."""
    if not headers:
        raise ReadError(EMPTY)
    named = [h or f"column {i + 1}" for i, h in enumerate(headers)]
    seen: set[str] = set()
    for name in named:
        if name in seen:
            raise ReadError(DUPLICATE_HEADER, name=name)
        seen.add(name)
    return named


def _parse(
    data: bytes, names: list[str], *, threads: bool, block: int
) -> tuple[pa.Table, list[tuple[int, str]]]:
    invalid: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        blank = not (row.text or "").strip(" ,\r\n\t")
        message = (
            "" if blank else (f"expected {row.expected_columns} values, found {row.actual_columns}")
        )
        invalid.append((row.number or 0, message))
        return "skip"

    options = pacsv.ReadOptions(
        column_names=names, skip_rows=1, use_threads=threads, block_size=block
    )
    try:
        return _read(data, names, options, on_invalid), invalid
    except pa.ArrowInvalid:  # a row longer than a block, or not CSV at all
        raise ReadError(NOT_CSV, size=block // MB) from None


def _read(
    data: bytes,
    names: list[str],
    options: pacsv.ReadOptions,
    on_invalid: Callable[[pacsv.InvalidRow], str],
) -> pa.Table:
    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=options,
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
