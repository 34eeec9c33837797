"""Column-wise normalisers for coded values: sex, yes/no, outcome, classification, IDs.

Every function takes a whole string column and returns the normalised column and
a NumPy mask of the present values it could not read; nothing loops per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fireline.diseases.schemas import DiseaseProfile
from fireline.people.values import SEX as SEX  # re-exported: validate reads v.SEX

BoolArray = npt.NDArray[np.bool_]

YES_NO = {
    "true": True,
    "yes": True,
    "y": True,
    "1": True,
    "是": True,
    "imported": True,
    "输入": True,
    "境外输入": True,
    "输入病例": True,
    "false": False,
    "no": False,
    "n": False,
    "0": False,
    "否": False,
    "local": False,
    "本地": False,
    "本土": False,
    "本地病例": False,
}
OUTCOMES = {
    "recovered": "recovered",
    "cured": "recovered",
    "治愈": "recovered",
    "痊愈": "recovered",
    "died": "died",
    "dead": "died",
    "death": "died",
    "死亡": "died",
    "unknown": "unknown",
    "未知": "unknown",
}
OUTCOME_CODES = ("recovered", "died", "unknown")

# GB 11643-1999: 17 digits weighted by 2^(17-i) mod 11, check character by ISO 7064 MOD 11-2.
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


@dataclass(frozen=True)
class Normalised:
    values: pa.Array
    bad: BoolArray


def mask(array: pa.Array | pa.ChunkedArray) -> BoolArray:
    """A boolean Arrow column as a NumPy mask, null counting as False."""
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=np.bool_)


def present(column: pa.Array) -> BoolArray:
    return mask(pc.is_valid(column))


def lookup(column: pa.Array, table: dict[str, object], value_type: pa.DataType) -> Normalised:
    """Map case-folded values through ``table``; present values not in it are bad."""
    keys = pa.array([k.casefold() for k in table], pa.string())
    index = pc.index_in(pc.utf8_lower(column), value_set=keys)
    values = pc.take(pa.array(list(table.values()), value_type), index)
    return Normalised(values, present(column) & ~present(index))


def classification_table(profile: DiseaseProfile) -> dict[str, object]:
    """Codes and English and Chinese names of the profile's classifications."""
    table: dict[str, object] = {}
    for item in profile.classifications.items:
        for key in (item.code, item.names.en, item.names.zh, item.names.zh.removesuffix("病例")):
            table[key] = item.code
    return table


def national_ids(column: pa.Array) -> Normalised:
    """Upper-cased IDs; an 18-character ID must pass its check character, 15 digits is the
    pre-1999 form; anything else is bad."""
    upper = pc.utf8_upper(column)
    long_form = mask(pc.match_substring_regex(upper, r"^\d{17}[\dX]$"))
    short_form = mask(pc.match_substring_regex(upper, r"^\d{15}$"))
    checked = long_form.copy()
    rows = np.flatnonzero(long_form)
    if rows.size:
        chars = _fixed_width(pc.take(upper, pa.array(rows)), 18)
        total = (chars[:, :17].astype(np.int64) - ord("0")) @ ID_WEIGHTS
        checked[rows] = chars[:, 17] == ID_CHECK[total % 11]
    return Normalised(upper, present(column) & ~(checked | short_form))


def _fixed_width(strings: pa.Array, width: int) -> npt.NDArray[np.uint8]:
    """ASCII strings of one width as an (n, width) byte matrix, read from Arrow's buffer."""
    strings = pa.concat_arrays([strings])  # a fresh array: offsets start at zero
    data = np.frombuffer(strings.buffers()[2], dtype=np.uint8)
    return data[: len(strings) * width].reshape(-1, width)


def birth_dates_from_ids(ids: pa.Array) -> pa.Array:
    """``YYYYMMDD`` at positions 7-14 of an 18-character ID (GB 11643-1999), as text."""
    long_form = pc.match_substring_regex(ids, r"^\d{17}[\dX]$")
    digits = pc.utf8_slice_codeunits(ids, 6, 14)
    return pc.if_else(long_form, digits, pa.scalar(None, pa.string()))


def phones(column: pa.Array) -> Normalised:
    """Digits only (blanks, dashes, brackets and a +86 prefix dropped); 5-20 digits."""
    digits = pc.replace_substring_regex(column, r"\D", "")
    digits = pc.replace_substring_regex(digits, r"^86(1\d{10})$", r"\1")
    length = pc.utf8_length(digits)
    ok = mask(pc.and_(pc.greater_equal(length, 5), pc.less_equal(length, 20)))
    return Normalised(digits, present(column) & ~ok)


def too_long(column: pa.Array, limit: int) -> BoolArray:
    return mask(pc.greater(pc.utf8_length(column), limit))
