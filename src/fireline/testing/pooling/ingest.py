"""Pool results in bulk: stage, check, store, decode, hold and order retests, all in SQL.

The reference day is 2.5 M pool tubes; nothing here loops over pools in Python.

1. The rows are staged (COPY on PostgreSQL, executemany on SQLite; ``db.bulk``).
2. One join resolves tube barcodes to the actor's pools (``pool_resolved``), marking
   pools already resulted. Checks run as queries over the stage: bad outcomes, Ct out of
   range, a tube twice in the file, tubes unknown in the actor's subtree, a result that
   contradicts one on file. Any problem refuses the whole file with the lines at fault
   (first 100 per kind) and nothing is stored.
3. New results go in with one INSERT ... SELECT; a repeated result is unchanged.
4. Candidates (``decode.py``): members of new positive Dorfman pools, and the decoded
   cells of complete matrix plates; then one INSERT each for the quarantine holds and
   the single-retest orders, the hold ids drawn ahead (the sequence on PostgreSQL, after
   the largest id on SQLite, which holds the database's write lock).
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa
from sqlalchemy import text
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.db import bulk
from fireline.errors import Problem
from fireline.testing import csvin
from fireline.testing.codes import codes
from fireline.testing.pooling import decode
from fireline.testing.samples import require_write

STAGE, RESOLVED = "pool_stage", "pool_resolved"
STAGE_COLUMNS = (
    "row_no BIGINT, barcode VARCHAR(64), outcome VARCHAR(16), ct_value FLOAT, "
    "resulted_at {ts}, external_id VARCHAR(200)"
)
SHOWN = 100


@dataclass
class PoolReport:
    rows: int = 0
    stored: int = 0
    unchanged: int = 0
    positive_pools: int = 0
    candidates: int = 0
    holds: int = 0
    retests: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _ts(session: Session) -> str:
    return "TIMESTAMP WITH TIME ZONE" if bulk.is_postgres(session) else "VARCHAR(32)"


# The actor's subtree (a range scan of ``jurisdictions.path``, as ``Actor.restrict``).
IN_SCOPE = "IN (SELECT j.id FROM jurisdictions j WHERE j.path >= :low AND j.path < :high)"


def stage(session: Session, actor: Actor, rows: pa.Table) -> None:
    """Stage the file and resolve its tubes among the actor's pools only: a tube another
    county holds resolves to nothing, as an unknown tube does. A user above two counties
    that hold the same barcode gets the older tube (``samples.sample_by_barcode``)."""
    drop_stages(session)
    bulk.create_stage(session, STAGE, STAGE_COLUMNS.format(ts=_ts(session)))
    bulk.insert_rows(session, STAGE, rows)
    bulk.analyze(session, STAGE)
    temp = "CREATE TEMP TABLE" + (
        " pool_resolved ON COMMIT DROP AS" if bulk.is_postgres(session) else " pool_resolved AS"
    )
    session.execute(
        text(
            f"{temp} SELECT s.row_no, s.outcome, s.ct_value, s.resulted_at, s.external_id, "
            "p.id AS pool_id, p.campaign_id, p.round_no, p.axis, p.plate, p.jurisdiction_id, "
            "x.outcome AS known_outcome FROM pool_stage s JOIN pools p ON p.barcode = s.barcode "
            f"AND p.jurisdiction_id {IN_SCOPE} AND NOT EXISTS (SELECT 1 FROM pools q WHERE "
            f"q.barcode = p.barcode AND q.id < p.id AND q.jurisdiction_id {IN_SCOPE}) "
            "LEFT JOIN pool_results x ON x.pool_id = p.id"
        ),
        {"low": actor.jurisdiction_path, "high": actor.jurisdiction_path + "~"},
    )
    bulk.analyze(session, RESOLVED)


def drop_stages(session: Session) -> None:
    """Gone at commit on PostgreSQL; dropped here too, for a caller's longer transaction."""
    for name in (STAGE, RESOLVED, decode.CANDIDATES):
        bulk.drop_stage(session, name)


def _lines(session: Session, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in session.execute(text(f"{sql} LIMIT {SHOWN}"), params)]


def _path(row_no: int) -> str:
    return f"results[{int(row_no)}]"


def check(session: Session, actor: Actor) -> None:
    """Every problem of the staged file, or nothing (see the module notes)."""
    errors = _row_errors(session) + _unknown(session)
    for row_no, was in _lines(
        session,
        "SELECT row_no, known_outcome FROM pool_resolved WHERE "
        "known_outcome <> outcome ORDER BY row_no",
    ):
        errors.append(
            {
                "path": f"{_path(row_no)}.outcome",
                "message": f"this pool was resulted {was} before; a different result is refused",
            }
        )
    if errors:
        raise Problem(
            422,
            f"{len(errors)} problem(s) in the pool results; nothing was stored: "
            f"{errors[0]['path']}: {errors[0]['message']}",
            errors=errors,
        )


def _row_errors(session: Session) -> list[dict[str, str]]:
    """Bad outcomes, Ct values out of range and tubes twice in the file."""
    low, high = codes().ct_range
    errors: list[dict[str, str]] = []
    for row_no, value in _lines(
        session,
        "SELECT row_no, outcome FROM pool_stage WHERE outcome "
        "NOT IN ('positive', 'negative', 'inconclusive') ORDER BY row_no",
    ):
        errors.append({"path": f"{_path(row_no)}.outcome", "message": f"unknown outcome {value!r}"})
    for row_no, ct in _lines(
        session,
        "SELECT row_no, ct_value FROM pool_stage WHERE ct_value < "
        ":low OR ct_value > :high ORDER BY row_no",
        low=low,
        high=high,
    ):
        errors.append(
            {"path": f"{_path(row_no)}.ct_value", "message": f"Ct {ct} is outside {low}..{high}"}
        )
    for barcode, first in _lines(
        session,
        "SELECT barcode, min(row_no) FROM pool_stage GROUP BY "
        "barcode HAVING count(*) > 1 ORDER BY 2",
    ):
        errors.append(
            {
                "path": f"{_path(first)}.barcode",
                "message": f"pool tube {barcode} is in the file more than once",
            }
        )
    return errors


def _unknown(session: Session) -> list[dict[str, str]]:
    """Rows whose tube resolved to none of the actor's pools, whether no county or another
    one holds it: one message for both (OWASP API Security Top 10 2023, API1)."""
    staged = session.scalar(text("SELECT count(*) FROM pool_stage"))
    found = session.scalar(text("SELECT count(*) FROM pool_resolved"))
    if found == staged:
        return []
    return [
        {"path": f"{_path(row_no)}.barcode", "message": f"no pool tube {barcode} is registered"}
        for row_no, barcode in _lines(
            session,
            "SELECT s.row_no, s.barcode FROM pool_stage s WHERE NOT EXISTS "
            "(SELECT 1 FROM pool_resolved r WHERE r.row_no = s.row_no) ORDER BY s.row_no",
        )
    ]


def store(session: Session, batch: str) -> int:
    result = session.execute(
        text(
            "INSERT INTO pool_results (pool_id, campaign_id, outcome, ct_value, resulted_at, "
            "external_id, batch, jurisdiction_id) SELECT pool_id, campaign_id, outcome, ct_value, "
            "resulted_at, external_id, :batch, jurisdiction_id FROM pool_resolved "
            "WHERE known_outcome IS NULL"
        ),
        {"batch": batch},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def ingest_rows(
    session: Session,
    actor: Actor,
    rows: pa.Table,
    *,
    batch: str,
    now: datetime,
    hold_days: int | None = None,
) -> PoolReport:
    """Pool results (columns: row_no, barcode, outcome, ct_value, resulted_at, external_id)."""
    require_write(actor)
    report = PoolReport(rows=rows.num_rows)
    with bulk.bulk_settings(session):
        stage(session, actor, rows)
        check(session, actor)
        report.stored = store(session, batch)
        report.unchanged = report.rows - report.stored
        report.positive_pools = int(
            session.scalar(
                text(
                    "SELECT count(*) FROM pool_resolved WHERE outcome = 'positive' "
                    "AND known_outcome IS NULL"
                )
            )
            or 0
        )
        report.candidates = decode.candidates(session)
        if report.candidates:
            report.holds = decode.holds(session, now, hold_days)
            report.retests = decode.retests(session, now)
    drop_stages(session)
    audit.record(
        session,
        actor,
        "create",
        "pool_result",
        [],
        jurisdiction_id=actor.jurisdiction_id or None,
        batch=batch,
        **report.as_dict(),
    )
    return report


def rows_table(results: list[dict[str, object]]) -> pa.Table:
    """Pool results as the staging table's columns (row numbers count from 0)."""
    return pa.table(
        {
            "row_no": pa.array(range(len(results)), pa.int64()),
            "barcode": pa.array([str(r["barcode"]) for r in results], pa.string()),
            "outcome": pa.array([str(r["outcome"]) for r in results], pa.string()),
            "ct_value": pa.array([r.get("ct_value") for r in results], pa.float64()),
            "resulted_at": pa.array([r["resulted_at"] for r in results], pa.timestamp("us", "UTC")),
            "external_id": pa.array([r.get("external_id") for r in results], pa.string()),
        }
    )


def read_pool_csv(content: bytes) -> pa.Table:
    """Pool results from a CSV file (barcode, outcome, ct_value, resulted_at, result_id), or
    422 at the first bad line."""
    reader = csv.DictReader(csvin.read_text(content))
    results: list[dict[str, object]] = []
    for line, row in enumerate(csvin.read_rows(reader), start=2):
        try:
            results.append(
                {
                    "barcode": row["barcode"].strip(),
                    "outcome": row["outcome"].strip(),
                    "ct_value": float(row["ct_value"])
                    if (row.get("ct_value") or "").strip()
                    else None,
                    "resulted_at": datetime.fromisoformat(row["resulted_at"].strip()),
                    "external_id": (row.get("result_id") or "").strip() or None,
                }
            )
        except (KeyError, ValueError, AttributeError) as exc:
            raise Problem(
                422, f"line {line}: {exc}", errors=[{"path": f"line {line}", "message": str(exc)}]
            ) from None
    if not results:
        raise Problem(422, "the file has no rows")
    return rows_table(results)
