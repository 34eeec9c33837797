"""Venue exposures on Apache Spark, for check-in logs one machine cannot hold.

The same SQL as the DuckDB engine (``rules.case_visits_sql`` then
``rules.exposures_sql``), with broadcast hints: the index cases and their visits
are small, so each join ships them to every executor and streams the check-ins
partition by partition, with the venue as the equality key. Open-source Spark
has no range-join hint (that is Databricks Runtime's), and a broadcast hash join
on the venue does what bucketing by venue would, without a shuffle of the big
side. The session runs in UTC so that no instant is shifted on its way through.

pyspark is an optional extra (``pip install 'fireline[spark]'``) and is
imported only when this engine runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa

from fireline.tracing.venues.rules import (
    EXPOSURE_SCHEMA,
    INDEX_SCHEMA,
    ExposureRule,
    case_visits_sql,
    columns_of,
    exposures_sql,
)


def build_session(master: str = "local[2]", *, shuffle_partitions: int = 4) -> Any:
    """A Spark session for this job (local mode unless ``master`` says otherwise)."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("fireline-venue-exposures")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .getOrCreate()
    )


@contextmanager
def spark_session(master: str = "local[2]") -> Iterator[Any]:
    """A session stopped on exit (the CLI's and the benchmark's; tests keep one)."""
    session = build_session(master)
    try:
        yield session
    finally:
        session.stop()


def _index_frame(spark: Any, index_cases: pa.Table) -> Any:
    from pyspark.sql.types import LongType, StructField, StructType

    schema = StructType([StructField(name, LongType(), False) for name in INDEX_SCHEMA.names])
    rows = [tuple(r.values()) for r in index_cases.select(INDEX_SCHEMA.names).to_pylist()]
    return spark.createDataFrame(rows, schema)


def find_exposures(
    spark: Any, files: Sequence[str | Path], index_cases: pa.Table, rule: ExposureRule
) -> pa.Table:
    """Exposures (``EXPOSURE_SCHEMA``, sorted) of ``index_cases`` in the check-in ``files``."""
    spark.read.parquet(*[str(f) for f in files]).createOrReplaceTempView("check_ins")
    _index_frame(spark, index_cases).createOrReplaceTempView("index_cases")
    spark.sql(case_visits_sql(rule, "unix_micros", hints=True)).createOrReplaceTempView(
        "case_visits"
    )
    rows = spark.sql(exposures_sql(rule, "unix_micros", hints=True)).collect()
    columns = columns_of(rows, len(EXPOSURE_SCHEMA.names))
    return pa.table(
        [pa.array([int(v) for v in c], pa.int64()) for c in columns], schema=EXPOSURE_SCHEMA
    )
