from __future__ import annotations

from datetime import date

import pytest

from fireline.simulate import TABLES, Outbreak, simulate
from tests.simulate.conftest import START
from tests.simulate.trees import leaves, province, small_tree


def test_same_seed_gives_identical_tables() -> None:
    first = simulate(small_tree(), 300, seed=5)
    second = simulate(small_tree(), 300, seed=5)
    for name in TABLES:
        assert first.tables()[name].equals(second.tables()[name]), name


def test_another_seed_gives_another_outbreak() -> None:
    first = simulate(small_tree(), 300, seed=5)
    second = simulate(small_tree(), 300, seed=6)
    assert not first.cases.equals(second.cases)
    assert not first.persons.equals(second.persons)


@pytest.mark.parametrize("cases", [1, 2, 17, 1000])
def test_exactly_n_cases(cases: int) -> None:
    assert simulate(small_tree(), cases, seed=1).cases.num_rows == cases


def test_ids_are_dense_from_one(outbreak: Outbreak) -> None:
    for name, table in outbreak.tables().items():
        if "id" in table.column_names:
            assert table.column("id").to_pylist() == list(range(1, table.num_rows + 1)), name


def test_jurisdiction_codes_are_leaves(outbreak: Outbreak) -> None:
    allowed = leaves(province())
    for name, table in outbreak.tables().items():
        assert set(table.column("jurisdiction_code").to_pylist()) <= allowed, name


def test_seed_county_defaults_to_first_leaf() -> None:
    outbreak = simulate(small_tree(), 50, seed=2)
    assert outbreak.seed_county == "C1A"
    assert outbreak.cases.column("jurisdiction_code")[0].as_py() == "C1A"


def test_start_date_and_end_date() -> None:
    started = simulate(small_tree(), 200, seed=3, start=START)
    assert started.start == START
    assert min(started.cases.column("date_reporting").to_pylist()) >= START
    ended = simulate(small_tree(), 200, seed=3, end=date(2026, 11, 1))
    assert ended.as_of == date(2026, 11, 1)
    assert max(ended.cases.column("date_reporting").to_pylist()) == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cases_wanted": 0}, "between 1 and"),
        ({"cases_wanted": 10, "seed_county": "NOPE"}, "seed county NOPE is unknown"),
        ({"cases_wanted": 10, "seed_county": "C1"}, "seed county C1 is not a leaf"),
        ({"cases_wanted": 10, "start": START, "end": START}, "not both"),
    ],
)
def test_bad_input_is_one_clear_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        simulate(small_tree(), **kwargs)  # type: ignore[arg-type]


def test_wave_rises_and_falls_within_three_months(outbreak: Outbreak) -> None:
    reports = outbreak.cases.column("date_reporting").to_pylist()
    days = sorted((d - outbreak.start).days for d in reports)
    span = days[-1] - days[0]
    assert 40 <= span <= 140
    weekly = [0] * (span // 7 + 1)
    for day in days:
        weekly[(day - days[0]) // 7] += 1
    peak = weekly.index(max(weekly))
    assert 0 < peak < len(weekly) - 2  # rises to a peak, then falls for weeks
    assert weekly[-1] < max(weekly) / 10


def test_spreads_mostly_within_the_seed_city(outbreak: Outbreak) -> None:
    codes = outbreak.cases.column("jurisdiction_code").to_pylist()
    in_hangzhou = sum(code.startswith("3301") for code in codes)
    assert 0.6 * len(codes) < in_hangzhou < len(codes)  # mostly, not only
    assert len(set(codes)) > 5
