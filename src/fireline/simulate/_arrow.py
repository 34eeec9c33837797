"""Small helpers that turn NumPy day numbers and indices into Arrow columns."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

UNIX_EPOCH = date(1970, 1, 1)
MICROS_PER_DAY = 86_400_000_000
TIMESTAMP = pa.timestamp("us", tz="UTC")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def epoch_day(day: date) -> int:
    return (day - UNIX_EPOCH).days


def dates(start: date, days: IntArray, valid: BoolArray | None = None) -> pa.Array:
    """Day offsets from ``start`` as an Arrow date32 column (null where not ``valid``)."""
    values = (days + epoch_day(start)).astype(np.int32)
    mask = None if valid is None else ~valid
    return pa.array(values, type=pa.int32(), mask=mask).cast(pa.date32())


def instants(start: date, days: FloatArray, valid: BoolArray | None = None) -> pa.Array:
    """Fractional day offsets from midnight UTC of ``start`` as UTC timestamps (whole seconds).

    The offset is converted on its own before adding the start: microseconds
    since 1970 exceed float64's 53-bit integer precision.
    """
    seconds = (days * 86_400).astype(np.int64)
    micros = seconds * 1_000_000 + epoch_day(start) * MICROS_PER_DAY
    mask = None if valid is None else ~valid
    return pa.array(micros, type=pa.int64(), mask=mask).cast(TIMESTAMP)


def ids(count: int, first: int = 1) -> pa.Array:
    """Dense int64 ids ``first .. first + count - 1``."""
    return pa.array(np.arange(first, first + count, dtype=np.int64))


def coded(prefix: str, numbers: IntArray, width: int) -> pa.Array:
    """``prefix`` followed by the zero-padded number: ``coded("SB", [7], 4) == ["SB0007"]``."""
    return fixed([prefix, (numbers, width)])


def fixed(parts: list[str | tuple[IntArray, int]]) -> pa.Array:
    """ASCII strings of one width from constants and zero-padded numbers.

    The bytes are written into one NumPy buffer and handed to Arrow with evenly
    spaced offsets: no per-row string objects, which matters at 10 million rows.
    """
    count = next(len(p[0]) for p in parts if isinstance(p, tuple))
    width = sum(len(p) if isinstance(p, str) else p[1] for p in parts)
    buffer = np.empty((count, width), dtype=np.uint8)
    column = 0
    for part in parts:
        if isinstance(part, str):
            buffer[:, column : column + len(part)] = np.frombuffer(part.encode("ascii"), np.uint8)
            column += len(part)
            continue
        numbers, digits_wide = part
        for place in range(digits_wide):
            power = 10 ** (digits_wide - 1 - place)
            buffer[:, column] = (numbers // power) % 10 + ord("0")
            column += 1
    offsets = np.arange(0, count * width + 1, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(buffer)]
    )


def constant(value: str, count: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), count)


def pick(words: list[str], index: IntArray) -> pa.Array:
    """``words[index]`` as a dictionary-encoded string column: no string copied per row."""
    return pa.DictionaryArray.from_arrays(
        pa.array(index.astype(np.int32)), pa.array(words, type=pa.string())
    )


def take(words: list[str], index: IntArray) -> pa.Array:
    """``words[index]`` as a plain string column (to build other strings from)."""
    return pa.array(words, type=pa.string()).take(pa.array(index))


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string columns (and constant strings) element by element."""
    return pc.binary_join_element_wise(*parts, "")


def uniform_int(rng: np.random.Generator, low: int, high: int, size: int) -> IntArray:
    """Integers in ``[low, high]`` inclusive."""
    return rng.integers(low, high + 1, size, dtype=np.int64)


def choose(rng: np.random.Generator, shares: FloatArray, size: int) -> IntArray:
    """Category indices drawn with the given shares (vectorised inverse CDF)."""
    cumulative = np.cumsum(shares) / np.sum(shares)
    index = np.searchsorted(cumulative, rng.random(size), side="right")
    return np.minimum(index, len(shares) - 1).astype(np.int64)
