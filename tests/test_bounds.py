"""Bounded request values, one type at a time (test_errors.py sends them through the API)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from fireline.bounds import INT64_MAX, Count, Day, Id, Instant, Int64

INT64 = TypeAdapter(Int64)
ID = TypeAdapter(Id)
COUNT = TypeAdapter(Count)
DAY = TypeAdapter(Day)
INSTANT = TypeAdapter(Instant)


def refused(adapter: TypeAdapter[Any], value: object, *, json: bool = False) -> str:
    with pytest.raises(ValidationError) as error:
        adapter.validate_json(value) if json else adapter.validate_python(value)  # type: ignore[arg-type]
    return str(error.value)


def test_int64_is_what_a_bigint_column_holds() -> None:
    assert INT64_MAX == 9_223_372_036_854_775_807
    assert INT64.validate_python(INT64_MAX) == INT64_MAX
    assert INT64.validate_python(-(2**63)) == -(2**63)
    refused(INT64, 2**63)
    refused(INT64, -(2**63) - 1)


def test_ids_start_at_one_and_counts_at_zero() -> None:
    assert ID.validate_python(1) == 1 and ID.validate_python(INT64_MAX) == INT64_MAX
    refused(ID, 0)
    refused(ID, 2**63)
    assert COUNT.validate_python(0) == 0
    refused(COUNT, -1)


@pytest.mark.parametrize("value", [True, False, 1.0, 2.5])
def test_booleans_and_floats_are_not_integers(value: object) -> None:
    for adapter in (INT64, ID, COUNT):
        assert "without a fraction" in refused(adapter, value)


def test_digits_from_a_path_or_query_are_read() -> None:
    assert ID.validate_python("42") == 42
    assert INT64.validate_json(b"-7") == -7
    assert "without a fraction" in refused(COUNT, b"1.0", json=True)
    refused(COUNT, b"true", json=True)


def test_the_json_schema_says_the_bounds() -> None:
    assert INT64.json_schema() == {"type": "integer", "minimum": -(2**63), "maximum": INT64_MAX}
    assert ID.json_schema()["minimum"] == 1 and COUNT.json_schema()["minimum"] == 0


@pytest.mark.parametrize("text", ["1900-01-01", "2024-02-29", "2100-12-31"])
def test_days_in_range(text: str) -> None:
    assert DAY.validate_python(text) == date.fromisoformat(text)


@pytest.mark.parametrize("text", ["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_days_outside_1900_2100(text: str) -> None:
    assert "accepted from 1900 to 2100" in refused(DAY, text)


@pytest.mark.parametrize("value", ["2024-2-29", "20240229", "2024-02-29T00:00", 0, 1.5e9])
def test_a_day_is_written_yyyy_mm_dd(value: object) -> None:
    assert "a date is written YYYY-MM-DD" in refused(DAY, value)


def test_a_day_from_python_code_passes() -> None:
    assert DAY.validate_python(date(2026, 3, 1)) == date(2026, 3, 1)
    refused(DAY, date(1800, 1, 1))
    assert "a date is written" in refused(DAY, b"0", json=True)  # lax mode read 1970-01-01


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T10:00:00+08:00", datetime(2026, 3, 1, 2, 0, tzinfo=UTC)),
        ("2026-03-01T02:00:00Z", datetime(2026, 3, 1, 2, 0, tzinfo=UTC)),
        ("2026-03-01 02:00:00.5+00:00", datetime(2026, 3, 1, 2, 0, 0, 500_000, tzinfo=UTC)),
        ("1900-01-01T00:00:00Z", datetime(1900, 1, 1, tzinfo=UTC)),
    ],
)
def test_instants_in_range_keep_their_time(text: str, expected: datetime) -> None:
    assert INSTANT.validate_python(text) == expected


@pytest.mark.parametrize("value", ["2026-03-01", "03/01/2026 10:00", 1_772_000_000, True])
def test_an_instant_is_written_rfc_3339(value: object) -> None:
    assert "an instant is written" in refused(INSTANT, value)


def test_instants_outside_1900_2100() -> None:
    assert "accepted from 1900 to 2100" in refused(INSTANT, "1899-12-31T23:59:59Z")
    assert "accepted from 1900 to 2100" in refused(INSTANT, "2101-01-01T00:00:00Z")
