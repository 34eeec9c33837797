"""The DuckDB engine against a plain Python double loop, on random check-in logs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from fireline.tracing.venues import duckdb as engine
from fireline.tracing.venues.rules import (
    EXPOSURE_SCHEMA,
    MICROS_PER_MINUTE,
    ExposureRule,
    canonical_csv,
    index_table,
    visit_end_sql,
)
from tests.tracing.venues.factories import DAY_START, MICROS, brute_force, random_check_ins

START = int(DAY_START.timestamp()) * MICROS
HOUR = 60 * MICROS_PER_MINUTE
RULES = [
    ExposureRule(),
    ExposureRule(padding_minutes=15, min_overlap_minutes=10),
    ExposureRule(stay_minutes=45, round_minutes=30, min_overlap_minutes=1),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return random_check_ins(tmp_path_factory.mktemp("check_ins"), 3000, persons=800, venues=30)


def _index() -> pa.Table:
    # windows that clip visits: from 01:00 to 10:00 UTC
    return index_table([(n, n * 7, START + HOUR, START + 10 * HOUR) for n in range(1, 25)])


@pytest.mark.parametrize("rule", RULES, ids=["default", "padding", "rounded"])
def test_duckdb_matches_the_double_loop(files: list[Path], rule: ExposureRule) -> None:
    index = _index()
    found = engine.find_exposures(files, index, rule)
    assert found.schema == EXPOSURE_SCHEMA
    rows = [tuple(r.values()) for r in found.to_pylist()]
    assert rows == brute_force(files, index, rule)
    assert rows, "the random log should hold some exposures"


def test_output_is_sorted_and_repeatable(files: list[Path]) -> None:
    first = engine.find_exposures(files, _index(), RULES[1], threads=2)
    again = engine.find_exposures(files, _index(), RULES[1], threads=1)
    assert canonical_csv(first) == canonical_csv(again)
    keys = [(r["case_id"], r["person_id"], r["venue_id"]) for r in first.to_pylist()]
    assert keys == sorted(keys)


def test_no_index_cases_finds_nothing(files: list[Path]) -> None:
    assert engine.find_exposures(files, index_table([]), ExposureRule()).num_rows == 0


def test_a_case_is_never_its_own_contact(files: list[Path]) -> None:
    found = engine.find_exposures(files, _index(), ExposureRule(padding_minutes=60))
    assert all(r["person_id"] != r["case_id"] * 7 for r in found.to_pylist())


def test_scan_counts_every_row(files: list[Path]) -> None:
    assert engine.scan(files) == 3000


def test_open_visits_end_by_the_rule() -> None:
    assert visit_end_sql(ExposureRule(stay_minutes=60), "s") == f"(s + {HOUR})"
    rounded = visit_end_sql(ExposureRule(stay_minutes=60, round_minutes=30), "s")
    assert "%" in rounded and str(30 * MICROS_PER_MINUTE) in rounded


@pytest.mark.parametrize("field", ["stay_minutes", "padding_minutes", "min_overlap_minutes"])
def test_rule_refuses_negative_minutes(field: str) -> None:
    minutes: dict[str, Any] = {field: -1}  # the field is named at run time
    with pytest.raises(ValueError, match="must"):
        ExposureRule(**minutes)
