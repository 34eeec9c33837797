"""Column-wise date parsing: a whole column at once with pyarrow.compute and NumPy.

Accepted: ISO 8601 ``2024-01-05`` (docs/architecture.md, "Dates and weeks"), the same with
``/`` or ``.``, ``20240105``, ``2024年1月5日``, and any of these followed by a time
(what spreadsheets export for date cells). Day-first and month-first forms such as
``05/01/2024`` are ambiguous and refused rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

# MIN_YEAR..MAX_YEAR: the one range of dates the API and the import both accept.
from fireline.bounds import MAX_YEAR, MIN_YEAR

BoolArray = npt.NDArray[np.bool_]

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
_PATTERN = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"


@dataclass(frozen=True)
class ParsedDates:
    """The dates (null where missing or bad) and which present values could not be read."""

    dates: pa.Array
    bad: BoolArray


def parse_dates(column: pa.Array | pa.ChunkedArray) -> ParsedDates:
    """Parse a string column; null stays null, anything unreadable is flagged ``bad``."""
    text = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    text = pc.replace_substring_regex(text, _TIME, "")
    text = pc.replace_substring_regex(text, r"日$", "")
    text = pc.replace_substring_regex(text, r"[年月/.]", "-")
    text = pc.replace_substring_regex(text, r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3")
    parts = pc.extract_regex(text, _PATTERN)
    year = _ints(parts, "y")
    month = _ints(parts, "m")
    day = _ints(parts, "d")
    matched = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    ok = matched & (year >= MIN_YEAR) & (year <= MAX_YEAR) & (month >= 1) & (month <= 12)
    ok &= (day >= 1) & (day <= 31)
    year, month, day = (np.where(ok, a, 1) for a in (year, month, day))
    months = (year - 1970).astype("M8[Y]").astype("M8[M]") + (month - 1).astype("m8[M]")
    days = months.astype("M8[D]") + (day - 1).astype("m8[D]")
    ok &= days.astype("M8[M]") == months  # 31 April rolls into May: refuse it
    present = pc.is_valid(column).to_numpy(zero_copy_only=False)
    dates = pa.array(days, type=pa.date32(), mask=~ok)
    return ParsedDates(dates, present & ~ok)


def _ints(parts: pa.Array, name: str) -> npt.NDArray[np.int64]:
    field = pc.struct_field(parts, name)
    values = pc.cast(pc.fill_null(field, "0"), pa.int64())
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.int64)
