"""Decode positive pools to candidates, then put them under hold and order single retests.

Set-based: one INSERT ... SELECT per step over every pool of the batch
(``pool_resolved``, made by ``ingest.stage``). Decoding rules as in
``fireline.analytics.pooling``: every member of a positive Dorfman pool (Dorfman 1943);
on a matrix plate whose lines are all resulted, the members at a positive row and a
positive column, or every member of the positive lines when only one axis shows a
positive (Phatarfod & Sudbury 1994). A person with a retest order in the same campaign
round is not ordered again, so a repeated or overlapping batch adds nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fireline.db import bulk

CANDIDATES = "pool_candidates"
COLUMNS = (
    "person_id BIGINT, sample_id BIGINT, pool_id BIGINT, campaign_id INTEGER, "
    "round_no INTEGER, jurisdiction_id INTEGER, hold_id BIGINT, end_date DATE"
)
TARGET = (
    "INSERT INTO pool_candidates (person_id, sample_id, pool_id, campaign_id, round_no, "
    "jurisdiction_id) "
)
NOT_ORDERED = (
    "NOT EXISTS (SELECT 1 FROM retest_orders o WHERE o.campaign_id = m.campaign_id "
    "AND o.round_no = m.round_no AND o.person_id = m.person_id)"
)
DORFMAN = (
    TARGET
    + (
        "SELECT m.person_id, m.sample_id, m.pool_id, m.campaign_id, m.round_no, m.jurisdiction_id "
        "FROM pool_resolved r JOIN pool_members m ON m.pool_id = r.pool_id "
        "WHERE r.outcome = 'positive' AND r.known_outcome IS NULL AND r.axis = 'pool' AND "
    )
    + NOT_ORDERED
)
MATRIX = (
    TARGET
    + (
        "WITH plates AS (SELECT DISTINCT campaign_id, plate FROM pool_resolved "
        "  WHERE axis IN ('row', 'col') AND known_outcome IS NULL), "
        "lines AS (SELECT p.id, p.campaign_id, p.plate, p.axis, x.outcome FROM pools p "
        "  JOIN plates d ON d.campaign_id = p.campaign_id AND d.plate = p.plate "
        "  LEFT JOIN pool_results x ON x.pool_id = p.id), "
        "complete AS (SELECT campaign_id, plate, "
        "  max(CASE WHEN axis = 'row' AND outcome = 'positive' THEN 1 ELSE 0 END) AS any_row, "
        "  max(CASE WHEN axis = 'col' AND outcome = 'positive' THEN 1 ELSE 0 END) AS any_col "
        "  FROM lines GROUP BY campaign_id, plate HAVING count(*) = count(outcome)), "
        "cells AS (SELECT m.person_id, m.sample_id, m.pool_id, m.campaign_id, m.round_no, "
        "  m.jurisdiction_id, c.any_row, c.any_col, "
        "  CASE WHEN rl.outcome = 'positive' THEN 1 ELSE 0 END AS row_pos, "
        "  CASE WHEN cl.outcome = 'positive' THEN 1 ELSE 0 END AS col_pos "
        "  FROM complete c JOIN lines rl ON rl.campaign_id = c.campaign_id AND rl.plate = c.plate "
        "  AND rl.axis = 'row' JOIN pool_members m ON m.pool_id = rl.id "
        "  JOIN pool_members cm ON cm.campaign_id = m.campaign_id AND cm.round_no = m.round_no "
        "  AND cm.person_id = m.person_id AND cm.axis = 'col' JOIN lines cl ON cl.id = cm.pool_id) "
        "SELECT person_id, sample_id, pool_id, campaign_id, round_no, jurisdiction_id FROM cells m "
        "WHERE ((row_pos = 1 AND col_pos = 1) OR (row_pos = 1 AND any_col = 0) "
        "OR (col_pos = 1 AND any_row = 0)) AND "
    )
    + NOT_ORDERED
)


def candidates(session: Session) -> int:
    """Fill ``pool_candidates`` from the batch's new positive pools; how many there are."""
    bulk.create_stage(session, CANDIDATES, COLUMNS)
    session.execute(text(DORFMAN))
    has_matrix = session.scalar(
        text("SELECT 1 FROM pool_resolved WHERE axis IN ('row', 'col') LIMIT 1")
    )
    if has_matrix:
        session.execute(text(MATRIX))
    bulk.analyze(session, CANDIDATES)
    return int(session.scalar(text("SELECT count(*) FROM pool_candidates")) or 0)


def stored(session: Session, value: Any) -> Any:
    """A date or instant as SQLAlchemy stores it on SQLite (naive UTC text); as is elsewhere."""
    if bulk.is_postgres(session):
        return value
    return bulk.sqlite_literal(value).strip("'")


def _draw_hold_ids(session: Session) -> None:
    if bulk.is_postgres(session):
        sequence = session.scalar(text("SELECT pg_get_serial_sequence('quarantine_orders', 'id')"))
        session.execute(
            text("UPDATE pool_candidates SET hold_id = nextval(CAST(:s AS regclass))"),
            {"s": sequence},
        )
        return
    top = session.scalar(text("SELECT coalesce(max(id), 0) FROM quarantine_orders"))
    session.execute(text("UPDATE pool_candidates SET hold_id = :top + rowid"), {"top": top})


def _end_dates(session: Session, today: datetime, hold_days: int | None) -> None:
    """Each campaign's hold length (a handful of campaigns per batch, never per pool)."""
    rows = session.execute(
        text(
            "SELECT DISTINCT c.id, c.hold_days FROM pool_candidates p "
            "JOIN screening_campaigns c ON c.id = p.campaign_id"
        )
    ).all()
    for campaign_id, days in rows:
        end = today.date() + timedelta(days=hold_days if hold_days is not None else days)
        session.execute(
            text("UPDATE pool_candidates SET end_date = :end WHERE campaign_id = :c"),
            {"end": stored(session, end), "c": campaign_id},
        )


def holds(session: Session, now: datetime, hold_days: int | None = None) -> int:
    """A home hold ("temporary control") for every candidate, until the retest result."""
    _draw_hold_ids(session)
    _end_dates(session, now, hold_days)
    result = session.execute(
        text(
            "INSERT INTO quarantine_orders (id, person_id, kind, status, start_date, end_date, "
            "purpose, source, disease, category, test_mask, last_report_symptomatic, version, "
            "created_at, updated_at, jurisdiction_id) SELECT p.hold_id, p.person_id, 'home', "
            "'active', :today, p.end_date, 'quarantine', 'screening', c.disease, "
            "'positive_pool', 0, "
            ":no, 1, :now, :now, p.jurisdiction_id FROM pool_candidates p "
            "JOIN screening_campaigns c ON c.id = p.campaign_id"
        ),
        {"today": stored(session, now.date()), "now": stored(session, now), "no": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def retests(session: Session, now: datetime) -> int:
    """One open single-retest order per candidate, holding its hold's id."""
    result = session.execute(
        text(
            "INSERT INTO retest_orders (campaign_id, round_no, pool_id, person_id, sample_id, "
            "hold_order_id, status, version, created_at, updated_at, jurisdiction_id) "
            "SELECT campaign_id, round_no, pool_id, person_id, sample_id, hold_id, 'open', 1, "
            ":now, :now, jurisdiction_id FROM pool_candidates"
        ),
        {"now": stored(session, now)},
    )
    return int(getattr(result, "rowcount", 0) or 0)
