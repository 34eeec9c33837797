from __future__ import annotations

import os

import pytest
from bench.benchmarks import bulk_day, import_cases
from bench.registry import discover


def test_bulk_day_is_a_harness_module() -> None:
    assert discover()["bulk-day"] is bulk_day


def test_city_counties_are_the_city_s_own() -> None:
    counties = {"330102": 1, "330105": 2, "330100": 3, "330201": 4, "310101": 5}
    assert bulk_day.city_counties(counties, "330100") == ["330102", "330105"]
    with pytest.raises(ValueError, match="330300"):
        bulk_day.city_counties(counties, "330300")


def test_every_generated_row_is_confirmed() -> None:
    table = bulk_day.confirmed(import_cases.generate(300, ["330102"]))
    assert table.num_rows == 300 and set(table.column("classification").to_pylist()) == {
        "confirmed"
    }
    assert table.column_names == list(import_cases.HEADERS)


@pytest.mark.skipif(not os.environ.get("FIRELINE_TEST_POSTGRES_URL"), reason="needs PostgreSQL")
def test_tiny_run_opens_every_imported_case_and_escalates_its_tasks() -> None:
    found = bulk_day.measure(background=300, rows=400)
    assert found["bulk_sweep"]["responses"] == 400
    assert found["bulk_sweep"]["tasks"] == 400 * 8  # covid19: eight tasks per confirmed case
    before, after = found["confirmed_in_city_before_after"]
    assert after - before == 400
    # Two tasks due in 2 h reach both steps, six due in 24 h the parent: 10 per case.
    assert found["first_escalation"]["escalations"] == 400 * 10
    assert found["copy_same_rows_s"] > 0
