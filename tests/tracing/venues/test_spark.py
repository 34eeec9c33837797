"""Spark and DuckDB give byte-identical exposures on the same input (Spark local mode).

Marked ``spark``: select with ``pytest -m spark``. Never skipped: pyspark is in
the dev extra and CI runs these. One session serves the module (its start-up,
about 10 s, dominates).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fireline.tracing.venues import duckdb as duck
from fireline.tracing.venues import spark
from fireline.tracing.venues.rules import ExposureRule, canonical_csv, index_table
from tests.tracing.venues.factories import DAY_START, MICROS, random_check_ins

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

START = int(DAY_START.timestamp()) * MICROS
HOUR = 3600 * MICROS


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    with spark.spark_session("local[2]") as built:
        yield built


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return random_check_ins(
        tmp_path_factory.mktemp("spark"), 20_000, persons=4000, venues=60, seed=11, files=3
    )


@pytest.mark.parametrize(
    "rule",
    [
        ExposureRule(),
        ExposureRule(stay_minutes=45, round_minutes=30, padding_minutes=15, min_overlap_minutes=10),
    ],
    ids=["default", "rounded-padded"],
)
def test_spark_and_duckdb_agree_byte_for_byte(
    session: Any, files: list[Path], rule: ExposureRule
) -> None:
    index = index_table([(n, n * 13, START + HOUR, START + 11 * HOUR) for n in range(1, 200)])
    on_spark = spark.find_exposures(session, files, index, rule)
    on_duckdb = duck.find_exposures(files, index, rule)
    assert on_duckdb.num_rows > 100
    assert canonical_csv(on_spark) == canonical_csv(on_duckdb)
    assert on_spark.equals(on_duckdb)


def test_spark_with_no_index_cases(session: Any, files: list[Path]) -> None:
    assert spark.find_exposures(session, files, index_table([]), ExposureRule()).num_rows == 0
