"""The row-by-row import report, built column-wise as Arrow arrays.

A problem is ``(line, column, value, message, severity)``: ``column`` is the file's
own header, so the person who made the file can find the cell; ``severity`` is
``error`` (the row is refused) or ``skipped`` (the row was imported before).
"""

from __future__ import annotations

import csv
import io

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fireline.interop.cells import inert_rows

ERROR, SKIPPED = "error", "skipped"
FIELDS = ("line", "column", "value", "message", "severity")
SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("column", pa.string()),
        ("value", pa.string()),
        ("message", pa.string()),
        ("severity", pa.string()),
    ]
)
VALUE_LIMIT = 500


class Problems:
    """Collects problems from masks over a table's rows."""

    def __init__(self, lines: npt.NDArray[np.int64]) -> None:
        self.lines = lines
        self.parts: list[pa.Table] = []
        self.bad = np.zeros(len(lines), dtype=np.bool_)

    def add(
        self,
        where: npt.NDArray[np.bool_],
        column: str,
        values: pa.Array | None,
        message: str | pa.Array,
        severity: str = ERROR,
        lines: npt.NDArray[np.int64] | None = None,
    ) -> None:
        """Report every row where ``where`` is true; errors also mark the row bad.

        ``lines`` gives the line of each row when ``where`` is over another table than
        the one this collector was made for (the loader's subset of good rows).
        """
        if not where.any():
            return
        rows = np.flatnonzero(where)
        count = len(rows)
        line_of = self.lines if lines is None else lines
        shown = (
            pc.take(values, pa.array(rows)) if values is not None else pa.nulls(count, pa.string())
        )
        shown = pc.utf8_slice_codeunits(
            pc.fill_null(pc.cast(shown, pa.string()), ""), 0, VALUE_LIMIT
        )
        messages = message if isinstance(message, pa.Array) else pa.array([message] * count)
        self.parts.append(
            pa.table(
                [
                    pa.array(line_of[rows]),
                    pa.array([column] * count, pa.string()),
                    shown,
                    messages,
                    pa.array([severity] * count, pa.string()),
                ],
                schema=SCHEMA,
            )
        )
        if severity == ERROR and lines is None:
            self.bad |= where

    def add_lines(self, lines: list[int], messages: list[str]) -> None:
        """Problems of lines that are not rows of the table (unreadable lines)."""
        if lines:
            count = len(lines)
            self.parts.append(
                pa.table(
                    [
                        pa.array(lines, pa.int64()),
                        pa.array([""] * count),
                        pa.array([""] * count),
                        pa.array(messages, pa.string()),
                        pa.array([ERROR] * count),
                    ],
                    schema=SCHEMA,
                )
            )

    def table(self) -> pa.Table:
        if not self.parts:
            return SCHEMA.empty_table()
        combined = pa.concat_tables(self.parts)
        return combined.sort_by([("line", "ascending")])


def errors_only(problems: pa.Table) -> pa.Table:
    return problems.filter(pc.equal(problems.column("severity"), ERROR))


def bad_line_count(problems: pa.Table) -> int:
    return len(pc.unique(errors_only(problems).column("line")))


def to_csv(rows: list[tuple[int, str, str, str, str]]) -> str:
    """The report as CSV text with a header, for download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    writer.writerows(inert_rows(rows))
    return buffer.getvalue()
