"""The Arrow column helpers of the simulator, against plain Python equivalents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from fireline.simulate._arrow import (
    choose,
    coded,
    constant,
    dates,
    epoch_day,
    fixed,
    ids,
    instants,
    join,
    pick,
    take,
    uniform_int,
)


def test_dates_from_day_offsets_with_gaps() -> None:
    start = date(2026, 2, 27)
    column = dates(start, np.array([0, 1, 2, 400]), np.array([True, True, False, True]))
    assert column.type == pa.date32()
    assert column.to_pylist() == [start, date(2026, 2, 28), None, date(2027, 4, 3)]
    assert epoch_day(date(1970, 1, 2)) == 1


def test_instants_keep_whole_seconds_far_from_1970() -> None:
    # 2100-01-01 is 4.1e15 microseconds after 1970; float64 alone would lose the seconds.
    start = date(2100, 1, 1)
    days = np.array([0.0, 1.5, 2 + 1 / 86_400, 0.25])
    column = instants(start, days, np.array([True, True, True, False]))
    midnight = datetime(2100, 1, 1, tzinfo=UTC)
    assert column.to_pylist() == [
        midnight,
        midnight + timedelta(days=1, hours=12),
        midnight + timedelta(days=2, seconds=1),
        None,
    ]


def test_ids_are_dense() -> None:
    assert ids(3).to_pylist() == [1, 2, 3] and ids(2, first=10).to_pylist() == [10, 11]
    assert ids(0).to_pylist() == []


@given(st.lists(st.integers(0, 10**6 - 1), min_size=1, max_size=50))
def test_fixed_width_strings_equal_python_formatting(numbers: list[int]) -> None:
    array = np.array(numbers, dtype=np.int64)
    assert coded("SV", array, 6).to_pylist() == [f"SV{n:06d}" for n in numbers]
    built = fixed(["A-", (array, 7), "/", (array % 100, 2)])
    assert built.to_pylist() == [f"A-{n:07d}/{n % 100:02d}" for n in numbers]


def test_strings_from_words() -> None:
    words = ["alpha", "beta", "gamma"]
    index = np.array([2, 0, 2, 1])
    picked = pick(words, index)
    assert pa.types.is_dictionary(picked.type)
    assert picked.to_pylist() == ["gamma", "alpha", "gamma", "beta"]
    assert take(words, index).to_pylist() == ["gamma", "alpha", "gamma", "beta"]
    assert join(take(words, index), "-", constant("x", 4)).to_pylist() == [
        "gamma-x",
        "alpha-x",
        "gamma-x",
        "beta-x",
    ]


def test_uniform_int_includes_both_ends() -> None:
    drawn = uniform_int(np.random.default_rng(0), 3, 5, 3000)
    assert set(drawn.tolist()) == {3, 4, 5}


def test_choose_follows_the_shares() -> None:
    # Shares need not sum to one; a zero share is never drawn.
    drawn = choose(np.random.default_rng(1), np.array([2.0, 0.0, 6.0]), 40_000)
    counts = np.bincount(drawn, minlength=3) / 40_000
    assert counts[1] == 0
    np.testing.assert_allclose(counts, [0.25, 0.0, 0.75], atol=0.01)
