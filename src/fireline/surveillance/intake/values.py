"""Column-wise normalisers for coded values: sex, yes/no, outcome, classification, IDs.

Every function takes a whole string column and returns the normalised column and
a NumPy mask of the present values it could not read; nothing loops per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from fireline.diseases.schemas import DiseaseProfile
from fireline.people import validation as rules
from fireline.people.validation import PROVINCES, Invalid, phone_number
from fireline.people.values import SEX as SEX  # re-exported: validate reads v.SEX

BoolArray = npt.NDArray[np.bool_]


# libphonenumber's metadata for China: the patterns the scalar rule validates against.
def _pattern(kind: str) -> str:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    desc = getattr(metadata, kind, None)
    pattern = getattr(desc, "national_number_pattern", None)
    assert isinstance(pattern, str), f"libphonenumber has no {kind} pattern for CN"
    return f"^(?:{pattern})$"


MOBILE, LANDLINE = _pattern("mobile"), _pattern("fixed_line")
# Numbers of the other kinds China's metadata knows: checked by the scalar rule.
OTHER_KINDS = "|".join(_pattern(kind) for kind in ("toll_free", "premium_rate", "shared_cost"))

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

# GB 11643-1999: the weights and check characters of people.validation (ISO 7064 MOD 11-2).
ID_WEIGHTS = np.array(rules.ID_WEIGHTS, dtype=np.int64)
ID_CHECK = np.frombuffer(rules.ID_CHECK_CHARS.encode("ascii"), dtype=np.uint8)


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
    """Upper-cased IDs, refused unless ``people.validation.resident_id`` would read them:
    18 characters, a GB/T 2260 province, and the ISO 7064 MOD 11-2 check character (the
    birth date is checked with the other dates, ``birth_dates_from_ids``). The 15-digit
    form is refused as the form refuses it."""
    upper = pc.utf8_upper(pc.replace_substring_regex(column, r"\s", ""))
    long_form = mask(pc.match_substring_regex(upper, r"^\d{17}[\dX]$"))
    provinces = pa.array(sorted(PROVINCES), pa.string())
    long_form &= mask(pc.is_in(pc.utf8_slice_codeunits(upper, 0, 2), value_set=provinces))
    checked = long_form.copy()
    rows = np.flatnonzero(long_form)
    if rows.size:
        chars = _fixed_width(pc.take(upper, pa.array(rows)), 18)
        total = (chars[:, :17].astype(np.int64) - ord("0")) @ ID_WEIGHTS
        checked[rows] = chars[:, 17] == ID_CHECK[total % 11]
    return Normalised(upper, present(column) & ~checked)


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
    """Phones as ``people.validation.phone_number`` stores them, refused where it refuses.

    Set-based for mainland mobiles and landlines: the national significant number is
    matched against libphonenumber's own patterns for China (its metadata, run by
    Arrow's RE2), so a million rows take no per-row Python; the few other values (a
    foreign or toll-free number) go through the scalar rule once per distinct value.
    """
    text = pc.utf8_trim_whitespace(column)
    digits = pc.replace_substring_regex(text, r"\D", "")
    international = mask(pc.match_substring_regex(text, r"^(\+|00)"))
    nsn = pc.replace_substring_regex(digits, r"^(?:00)?86(1\d{10}|[2-9]\d{8,10})$", r"\1")
    nsn = pc.if_else(pa.array(international), nsn, pc.replace_substring_regex(nsn, r"^0", ""))
    mobile = mask(pc.match_substring_regex(nsn, MOBILE))
    landline = mask(pc.match_substring_regex(nsn, LANDLINE))
    cn_prefix = mask(pc.match_substring_regex(digits, r"^(?:00)?86"))
    landline &= ~international | cn_prefix
    mobile &= ~international | cn_prefix
    stored = pc.if_else(
        pa.array(mobile),
        nsn,
        pc.if_else(pa.array(landline), pc.binary_join_element_wise("0", nsn, ""), None),
    )
    # The scalar rule runs only where it may accept: a number written with a country
    # code, or one of China's other kinds; anything else is refused set-based, so a file
    # of a million bad phones costs no per-row Python.
    other = mask(pc.match_substring_regex(nsn, OTHER_KINDS))
    # Full-width or other scripts' digits (１３８…) are read by the rule itself.
    unusual = ~mask(pc.string_is_ascii(text))
    rest = present(column) & ((~mobile & ~landline & (international | other)) | unusual)
    if rest.any():
        stored = _scalar_phones(column, stored, rest)
    return Normalised(stored, present(column) & ~present(stored))


def _scalar_phones(column: pa.Array, stored: pa.Array, rest: BoolArray) -> pa.Array:
    """The rule itself, once per distinct value left over (foreign, toll-free, bad)."""
    values = pc.filter(column, pa.array(rest))
    found: dict[str, str | None] = {}
    for value in pc.unique(values).to_pylist():
        try:
            found[value] = phone_number(value)
        except Invalid:
            found[value] = None
    keys = pa.array(list(found), pa.string())
    looked_up = pc.take(pa.array(list(found.values()), pa.string()), pc.index_in(column, keys))
    return pc.if_else(pa.array(rest), looked_up, stored)


def too_long(column: pa.Array, limit: int) -> BoolArray:
    return mask(pc.greater(pc.utf8_length(column), limit))
