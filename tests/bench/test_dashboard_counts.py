"""The dashboard-counts benchmark on a small wave: every dashboard call answers the same
from the counts the triggers kept through COPY as from a GROUP BY of the raw cases."""

from __future__ import annotations

import pytest
from bench.benchmarks import dashboard_counts

from tests.conftest import POSTGRES_URL


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="needs FIRELINE_TEST_POSTGRES_URL")
def test_the_counts_answer_as_the_raw_cases() -> None:
    found = dashboard_counts.measure(1_500).as_dict("dashboard-counts", "small")
    assert found["differ"] == []
    assert 0 < found["count_rows"] <= 1_500
    assert len(found["dashboard_ms"]) == len(found["dashboard_raw_ms"]) == 14
    assert found["write_with_triggers_s"] > 0 and found["write_without_triggers_s"] > 0
