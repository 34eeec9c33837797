"""Reading, checking and writing for ``fireline analyze`` (shared by its commands).

Every problem with the user's input becomes :class:`InputError` and is printed
as one line ``error: ...`` on stderr with exit code 2 (docs/architecture.md,
"Errors"); numbers are checked here before any method sees them, so NaN,
infinite or out-of-range options never turn into silent output.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import typer

from fireline.analytics._types import FloatArray
from fireline.interop.cells import inert_row

__all__ = [
    "InputError",
    "check_counts",
    "check_positive",
    "check_probability",
    "check_whole",
    "fail",
    "numbers",
    "pick",
    "read_table",
    "write",
]


class InputError(Exception):
    """A problem with the user's input, reported as one line."""


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def read_table(path: Path, *, allow_empty: bool = False) -> dict[str, list[str]]:
    """Columns of a CSV file with a header row, as stripped strings.

    ``allow_empty`` accepts a header without data rows (a links file with no
    links is valid: every case is its own chain).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not a UTF-8 text file") from exc
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < (1 if allow_empty else 2):
        raise InputError(f"{path} has no data rows (a header row and data are needed)")
    header = [h.strip() for h in rows[0]]
    if any(len(r) != len(header) for r in rows[1:]):
        raise InputError(f"{path}: every row must have {len(header)} fields like the header")
    return {name: [r[i].strip() for r in rows[1:]] for i, name in enumerate(header)}


def numbers(table: dict[str, list[str]], column: str, path: Path) -> FloatArray:
    values = table[column]
    try:
        out = np.array([float(v) for v in values], dtype=np.float64)
    except ValueError:
        bad = next(v for v in values if not _is_number(v))
        raise InputError(f"{path}: column {column!r} has a non-numeric value {bad!r}") from None
    if not np.all(np.isfinite(out)):
        raise InputError(f"{path}: column {column!r} has missing or infinite values")
    return out


def _is_number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def pick(table: dict[str, list[str]], names: Sequence[str], path: Path, what: str) -> str:
    for name in names:
        if name in table:
            return name
    found = ", ".join(table) or "none"
    raise InputError(f"{path}: expected a column {what} (found: {found})")


def _fmt(value: object) -> str:
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        # Counts read as floats print as integers; everything else round-trips.
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    return str(value)


def write(header: Sequence[str], rows: Iterable[Sequence[object]], out: Path | None) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(inert_row(_fmt(v) for v in row) for row in rows)
    if out is None:
        typer.echo(buf.getvalue(), nl=False)
        return
    try:
        out.write_text(buf.getvalue(), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from exc


def check_positive(name: str, value: float | None) -> None:
    """A finite number above 0 (a serial interval, a prior, a level)."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise InputError(f"{name} must be a finite number above 0, got {value}")


def check_probability(name: str, value: float | None) -> None:
    """A level strictly between 0 and 1 (``--alpha 2`` gave infinite bounds)."""
    if value is not None and not (math.isfinite(value) and 0 < value < 1):
        raise InputError(f"{name} must lie strictly between 0 and 1, got {value}")


def check_whole(name: str, value: int | None, least: int) -> None:
    """An integer option with a lower bound (years back, window, periods a year)."""
    if value is not None and value < least:
        raise InputError(f"{name} must be at least {least}, got {value}")


def check_counts(values: FloatArray, column: str, path: Path) -> FloatArray:
    """Counts: never negative (a negative count is a data error, not a value)."""
    if np.any(values < 0):
        first = float(values[np.argmax(values < 0)])
        raise InputError(f"{path}: column {column!r} has a negative count {first:g}")
    return values
