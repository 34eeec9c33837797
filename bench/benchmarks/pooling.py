"""Pool results of a screening day: ingest, decode, holds and retest orders, in bulk.

Reference day (issue #6): 25,000,000 samples in 2,500,000 pools of 10, 0.05% positive
members; target under 60 s on PostgreSQL on 2 cores. Setup (untimed) writes persons,
samples, pools and members with server-side INSERT ... SELECT over generate_series
(PostgreSQL) or recursive CTEs (SQLite). Timed:

- figure: ``ingest_rows`` of every pool result (stage by COPY, checks, store, decode,
  holds, retests), to the commit;
- baseline: a per-pool Python loop (look the pool up, insert its result, for a positive
  pool read its members and add a hold and a retest order per member through the ORM)
  on a subset of ``BASELINE_POOLS`` other pools, scaled to the full count; ratio =
  figure / scaled baseline;
- decode check: the SQL decode's candidates against ``symgt`` (Bish & Kim's symmetric
  group testing package on PyPI, whose ``grouptest_array`` builds the Dorfman pool
  matrix) decoding the same pools with NumPy, on a subset. ``GroupTesting`` (PyPI
  ``grouptesting`` 0.1.0) was tried too: it does not install (it requires the retired
  ``sklearn`` package name).

``python -m bench pooling --scale full`` or ``--scale small`` (200,000 samples); needs
FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL (bench/response.py makes the database).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pyarrow as pa
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from bench.registry import Measurement
from bench.response import postgres
from fireline.db.migrate import upgrade

NAME = "pooling"
DESCRIPTION = (
    "pool results of 25 M samples in 2.5 M pools of 10 (0.05% positive) vs a per-pool loop"
)
SAMPLES = {"small": 200_000, "full": 25_000_000}
# A machine that cannot hold the full day sets this (e.g. 2500000) and extrapolates.
SAMPLES_ENV = "FIRELINE_BENCH_POOLING_SAMPLES"
POOL = 10
PREVALENCE = 0.0005
BASELINE_POOLS = 20_000
NOW = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


SETUP = [
    "INSERT INTO jurisdictions (id, code, name_en, name_zh, level, path, depth, timezone, "
    "created_at, updated_at) VALUES (1, 'X', 'County X', 'X县', 'county', '/X/', 0, "
    "'Asia/Shanghai', now(), now())",
    "INSERT INTO screening_campaigns (id, name, disease, target_kind, population, design, "
    "pool_size, chosen_by, round_no, hold_days, status, starts_on, version, created_at, "
    "updated_at, jurisdiction_id) VALUES (1, 'bench', 'covid19', 'jurisdiction', :n, "
    "'dorfman', 10, 'optimum', 1, 3, 'active', '2026-01-02', 1, now(), now(), 1)",
    "INSERT INTO screening_sites (id, campaign_id, code, name, capacity_per_hour, created_at, "
    "updated_at, jurisdiction_id) VALUES (1, 1, 'S1', 'Site', 1000, now(), now(), 1)",
    "INSERT INTO persons (id, name, version, created_at, updated_at, jurisdiction_id) "
    "SELECT g, 'p', 1, now(), now(), 1 FROM generate_series(1, :n) g",
    "INSERT INTO samples (id, barcode, person_id, disease, sample_type, collected_at, "
    "created_at, updated_at, jurisdiction_id) SELECT g, 'S' || g, g, 'covid19', 'swab', now(), "
    "now(), now(), 1 FROM generate_series(1, :n) g",
    "INSERT INTO pools (id, barcode, campaign_id, site_id, round_no, axis, size, collected_at, "
    "jurisdiction_id) SELECT g, 'P' || g, 1, 1, 1, 'pool', 10, now(), 1 "
    "FROM generate_series(1, :pools) g",
    "INSERT INTO pool_members (id, pool_id, sample_id, person_id, campaign_id, round_no, axis, "
    "jurisdiction_id) SELECT g, (g - 1) / 10 + 1, g, g, 1, 1, 'pool', 1 "
    "FROM generate_series(1, :n) g",
]


def setup(engine: Engine, samples: int) -> None:
    with engine.begin() as c:
        c.execute(text("SET LOCAL synchronous_commit = off"))
        for statement in SETUP:
            c.execute(text(statement), {"n": samples, "pools": samples // POOL})
        for name in ("persons", "samples", "pools", "pool_members", "jurisdictions"):
            c.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))


def positives(samples: int, seed: int = 6) -> np.ndarray:
    """Positive members, 0.05% of samples; returns the positive pools' 0-based indices."""
    rng = np.random.default_rng(seed)
    members = rng.choice(samples, size=max(1, round(samples * PREVALENCE)), replace=False)
    return np.unique(members // POOL)


def result_rows(pools: np.ndarray, positive: np.ndarray) -> pa.Table:
    outcome = np.full(pools.size, "negative", dtype=object)
    outcome[np.isin(pools, positive)] = "positive"
    return pa.table(
        {
            "row_no": pa.array(np.arange(pools.size, dtype=np.int64)),
            "barcode": pa.array(np.char.add("P", (pools + 1).astype(str)).astype(object)),
            "outcome": pa.array(outcome, pa.string()),
            "ct_value": pa.array(
                np.where(outcome == "positive", 28.0, np.nan), pa.float64(), from_pandas=True
            ),
            "resulted_at": pa.array(
                np.full(pools.size, np.datetime64(NOW.replace(tzinfo=None), "us")),
                pa.timestamp("us", "UTC"),
            ),
            "external_id": pa.nulls(pools.size, pa.string()),
        }
    )


def figure(engine: Engine, rows: pa.Table) -> tuple[float, dict[str, int]]:
    from fireline.auth.scope import system_actor
    from fireline.testing.pooling.ingest import ingest_rows

    began = time.perf_counter()
    with Session(engine) as session, session.begin():
        report = ingest_rows(session, system_actor(), rows, batch="bench", now=NOW)
    return time.perf_counter() - began, report.as_dict()


def baseline(engine: Engine, rows: pa.Table) -> float:
    """The naive per-pool loop over ``rows`` (pools not in the figure's batch)."""
    from fireline.quarantine.models import QuarantineOrder
    from fireline.testing.pooling.models import Pool, PoolMember, PoolResult, RetestOrder

    began = time.perf_counter()
    with Session(engine) as session, session.begin():
        for barcode, outcome in zip(
            rows.column("barcode").to_pylist(), rows.column("outcome").to_pylist(), strict=True
        ):
            pool = session.scalars(select(Pool).where(Pool.barcode == barcode)).one()
            session.add(
                PoolResult(
                    pool_id=pool.id,
                    campaign_id=1,
                    outcome=outcome,
                    resulted_at=NOW,
                    jurisdiction_id=1,
                )
            )
            if outcome != "positive":
                continue
            for m in session.scalars(select(PoolMember).where(PoolMember.pool_id == pool.id)):
                hold = QuarantineOrder(
                    person_id=m.person_id,
                    kind="home",
                    status="active",
                    start_date=NOW.date(),
                    end_date=date(2026, 1, 5),
                    source="screening",
                    jurisdiction_id=1,
                )
                session.add(hold)
                session.flush()
                session.add(
                    RetestOrder(
                        campaign_id=1,
                        round_no=1,
                        pool_id=pool.id,
                        person_id=m.person_id,
                        sample_id=m.sample_id,
                        hold_order_id=hold.id,
                        jurisdiction_id=1,
                    )
                )
        session.flush()
    return time.perf_counter() - began


def symgt_check(engine: Engine, pools: int) -> dict[str, Any]:
    """Candidates of the first ``pools`` pools: SQL decode vs symgt's pool matrix in NumPy."""
    try:
        from symgt.utils import grouptest_array
    except ImportError:
        return {"symgt": "not installed"}
    with engine.connect() as c:
        status = dict(
            c.execute(
                text("SELECT pool_id, outcome FROM pool_results WHERE pool_id <= :p"), {"p": pools}
            )
            .tuples()
            .all()
        )
        ours = set(
            c.execute(
                text("SELECT sample_id FROM retest_orders WHERE pool_id <= :p"), {"p": pools}
            ).scalars()
        )
    multfn = np.zeros(POOL + 1, dtype=np.int64)
    multfn[POOL] = pools
    matrix = grouptest_array(multfn)  # pools x samples, pool i holds samples 10i..10i+9
    positive = np.array([status.get(i + 1) == "positive" for i in range(pools)], dtype=float)
    theirs = set((np.flatnonzero(matrix.T @ positive > 0) + 1).tolist())
    return {"symgt_pools": pools, "symgt_candidates": len(theirs), "symgt_agrees": ours == theirs}


def run(scale: str) -> Measurement:
    override = os.environ.get(SAMPLES_ENV)
    return run_samples(int(override) if override and scale == "full" else SAMPLES[scale])


def run_samples(samples: int) -> Measurement:
    n_pools = samples // POOL
    positive = positives(samples)
    subset = min(BASELINE_POOLS, n_pools // 10)
    order = np.arange(n_pools, dtype=np.int64)
    # The baseline works on the last ``subset`` pools, the figure on all the others.
    main_pools, loop_pools = order[: n_pools - subset], order[n_pools - subset :]
    with postgres() as engine:
        upgrade(engine)
        began = time.perf_counter()
        setup(engine, samples)
        setup_s = time.perf_counter() - began
        figure_s, report = figure(engine, result_rows(main_pools, positive))
        loop_s = baseline(engine, result_rows(loop_pools, positive))
        check = symgt_check(engine, min(2_000, n_pools))
    scaled = loop_s * n_pools / max(subset, 1)
    print(
        f"setup {setup_s:.1f} s; bulk {figure_s:.2f} s for {main_pools.size:,} pools; "
        f"per-pool loop {loop_s:.2f} s for {subset:,} pools = {scaled:.1f} s scaled to "
        f"{n_pools:,}; ratio {figure_s / scaled:.3f}; {report}; {check}"
    )
    return Measurement(
        figure_s,
        f"per-pool Python loop on {subset} pools, scaled",
        scaled,
        {
            "samples": samples,
            "pools": n_pools,
            "setup_s": round(setup_s, 1),
            "loop_subset_s": round(loop_s, 2),
            **report,
            **check,
        },
    )
