"""The venue exposure rule and the table shapes both engines share.

Every instant inside the engines is an integer count of microseconds since the
Unix epoch (UTC): integers compare and subtract exactly in DuckDB, Spark and
Arrow alike, which is what lets the two engines give byte-identical output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

MICROS_PER_MINUTE = 60_000_000

# Columns of the check-in Parquet files the engines read (``export`` writes them).
CHECK_IN_SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("venue_id", pa.int64()),
        ("checked_in_at", pa.timestamp("us", tz="UTC")),
        ("checked_out_at", pa.timestamp("us", tz="UTC")),
    ]
)

# One row per index case: whose visits to look at, and its infectious window.
INDEX_SCHEMA = pa.schema(
    [
        ("case_id", pa.int64()),
        ("person_id", pa.int64()),
        ("window_start_us", pa.int64()),
        ("window_end_us", pa.int64()),
    ]
)

# One row per (case, exposed person, venue), sorted by those three columns.
EXPOSURE_SCHEMA = pa.schema(
    [
        ("case_id", pa.int64()),
        ("person_id", pa.int64()),
        ("venue_id", pa.int64()),
        ("exposure_start_us", pa.int64()),
        ("exposure_end_us", pa.int64()),
        ("overlap_us", pa.int64()),
        ("visits", pa.int64()),
    ]
)


@dataclass(frozen=True)
class ExposureRule:
    """When a shared visit counts, and what the people found become.

    - ``stay_minutes``/``round_minutes``: a visit without check-out ends
      ``stay_minutes`` after check-in, then rounded up to the next multiple of
      ``round_minutes`` of the clock (0: no rounding). Venue-code apps close open
      visits by such a fixed rule; the default of 60 minutes, not rounded, is a
      deployment choice (the issue names "1 h" as its example), not a published
      standard.
    - ``padding_minutes``: widens each case visit on both sides, for aerosols
      that linger after the case left and clocks that disagree (deployment choice).
    - ``min_overlap_minutes``: the shortest shared time that counts; 0 keeps any
      overlap longer than zero (visits that only touch end to start do not count).
    - ``category``: the contact category (a code of the disease profile's
      ``contact_categories``) the proposals carry.
    """

    name: str = "venue-overlap"
    category: str = "close"
    stay_minutes: int = 60
    round_minutes: int = 0
    padding_minutes: int = 0
    min_overlap_minutes: int = 0

    def __post_init__(self) -> None:
        if self.stay_minutes <= 0:
            raise ValueError("stay_minutes must be positive")
        for name in ("round_minutes", "padding_minutes", "min_overlap_minutes"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

    @property
    def stay_us(self) -> int:
        return self.stay_minutes * MICROS_PER_MINUTE

    @property
    def round_us(self) -> int:
        return self.round_minutes * MICROS_PER_MINUTE

    @property
    def padding_us(self) -> int:
        return self.padding_minutes * MICROS_PER_MINUTE

    @property
    def min_overlap_us(self) -> int:
        return self.min_overlap_minutes * MICROS_PER_MINUTE


def columns_of(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Rows turned into ``width`` columns (empty columns for no rows)."""
    if not rows:
        return [[] for _ in range(width)]
    return [list(c) for c in zip(*rows, strict=True)]


def index_table(rows: list[tuple[int, int, int, int]]) -> pa.Table:
    """Index cases as ``(case_id, person_id, window_start_us, window_end_us)`` rows."""
    columns = columns_of(rows, 4)
    return pa.table([pa.array(c, pa.int64()) for c in columns], schema=INDEX_SCHEMA)


def canonical_csv(table: pa.Table) -> bytes:
    """The exposures as sorted CSV bytes: what the engines must agree on byte for byte."""
    table = table.select(EXPOSURE_SCHEMA.names).cast(EXPOSURE_SCHEMA)
    table = table.sort_by([(n, "ascending") for n in EXPOSURE_SCHEMA.names])
    lines = [",".join(EXPOSURE_SCHEMA.names)]
    lines += [",".join(str(v) for v in row.values()) for row in table.to_pylist()]
    return ("\n".join(lines) + "\n").encode()


def visit_end_sql(rule: ExposureRule, start: str) -> str:
    """SQL for the end of a visit without check-out: stay, then round up on the clock.

    Rounding is to multiples of ``round_minutes`` since the epoch (UTC); for zones
    whole hours off UTC (China Standard Time, UTC+8) and a divisor of 60 that is
    the local clock's rounding too. Written with ``%`` only, which DuckDB and
    Spark evaluate alike on positive integers.
    """
    end = f"({start} + {rule.stay_us})"
    if not rule.round_us:
        return end
    return f"({end} + ({rule.round_us} - {end} % {rule.round_us}) % {rule.round_us})"


def visit_bounds(rule: ExposureRule, epoch_us: str, alias: str) -> tuple[str, str]:
    """SQL for a visit's start and end (epoch microseconds) from the raw columns.

    Written into the join conditions rather than computed in a view, so that they
    are evaluated only on rows that matched a case's person or venue, not on every
    check-in scanned.
    """
    start = f"{epoch_us}({alias}.checked_in_at)"
    end = f"COALESCE({epoch_us}({alias}.checked_out_at), {visit_end_sql(rule, start)})"
    return start, end


def case_visits_sql(rule: ExposureRule, epoch_us: str, *, hints: bool = False) -> str:
    """The index cases' visits clipped to their infectious windows and padded, over the
    views ``check_ins`` and ``index_cases``. ``hints``: Spark's broadcast of the cases."""
    pad = rule.padding_us
    hint = "/*+ BROADCAST(i) */ " if hints else ""
    s, e = visit_bounds(rule, epoch_us, "v")
    return f"""
SELECT {hint}i.case_id, i.person_id AS case_person, v.venue_id,
       greatest({s}, i.window_start_us) - {pad} AS cs,
       least({e}, i.window_end_us) + {pad} AS ce
FROM check_ins v JOIN index_cases i ON v.person_id = i.person_id
WHERE {s} < i.window_end_us AND {e} > i.window_start_us
"""


def exposures_sql(rule: ExposureRule, epoch_us: str, *, hints: bool = False) -> str:
    """Other people's visits at the same venue overlapping a case visit (the view
    ``case_visits``) in ``check_ins``, one row per (case, person, venue), sorted. ``hints``: Spark's
    broadcast of the case visits, so the check-ins stream past them unshuffled."""
    hint = "/*+ BROADCAST(c) */ " if hints else ""
    s, e = visit_bounds(rule, epoch_us, "v")
    return f"""
WITH pairs AS (
  SELECT {hint}c.case_id, v.person_id, v.venue_id,
         greatest({s}, c.cs) AS os, least({e}, c.ce) AS oe
  FROM check_ins v JOIN case_visits c
    ON v.venue_id = c.venue_id AND {s} < c.ce AND {e} > c.cs
  WHERE v.person_id <> c.case_person
)
SELECT case_id, person_id, venue_id,
       min(os) AS exposure_start_us, max(oe) AS exposure_end_us,
       max(oe - os) AS overlap_us, count(*) AS visits
FROM pairs
WHERE oe - os >= {rule.min_overlap_us}
GROUP BY case_id, person_id, venue_id
ORDER BY case_id, person_id, venue_id
"""
