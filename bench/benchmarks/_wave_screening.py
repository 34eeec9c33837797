"""Mass screening for the wave benchmark: every city screens its residents in pools of
10, one daily round after another, until the samples reach the number wanted.

All in the database (INSERT … SELECT over a numbered list of residents), none of the
rows in Python: 20 M samples, 2 M pools and their members in minutes. Pools of earlier
rounds are resulted negative; the last round (today) is still in the lab.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import Connection, text

from fireline.db.indexes import deferred

SCREENING_TABLES: Final = ("samples", "pools", "pool_members", "pool_results")
POOL_SIZE: Final = 10
SAMPLE_TYPE: Final = "oropharyngeal_swab"
# Pools come back about five hours after the last swab (as in the demo's campaign).
RESULT_AFTER: Final = "5 hours"


def _scalar(connection: Connection, sql: str, **params: Any) -> int:
    return int(connection.execute(text(sql), params).scalar_one() or 0)


def _campaigns(connection: Connection, first_day: date, rounds: int, now: datetime) -> None:
    """One campaign and one site per city (as a city's command would run it)."""
    connection.execute(
        text(
            "INSERT INTO screening_campaigns (name, disease, target_kind, population, design,"
            " pool_size, prevalence, chosen_by, round_no, hold_days, status, starts_on,"
            " jurisdiction_id, version, created_at, updated_at)"
            " SELECT name_en || ' mass screening', 'covid19', 'jurisdiction',"
            " COALESCE(population, 0), 'dorfman', :size, 0.001, 'given', :rounds, 3, 'active',"
            " :first, id, 1, :now, :now FROM jurisdictions WHERE level = 'city' ORDER BY id"
        ),
        {"size": POOL_SIZE, "rounds": rounds, "first": first_day, "now": now},
    )
    connection.execute(
        text(
            "INSERT INTO screening_sites (campaign_id, code, name, capacity_per_hour,"
            " jurisdiction_id, created_at, updated_at)"
            " SELECT id, 'S1', 'City screening site', 2000, jurisdiction_id, :now, :now"
            " FROM screening_campaigns"
        ),
        {"now": now},
    )


def _residents(connection: Connection) -> int:
    """Number every resident once: ``g`` overall, ``pool_no`` the pool (10 by 10
    within a city, county after county)."""
    connection.execute(
        text(
            "CREATE TEMP TABLE wave_residents ON COMMIT DROP AS"
            " SELECT person_id, campaign_id, site_id, jurisdiction_id,"
            " (row_number() OVER (ORDER BY campaign_id, k) - 1) AS g,"
            " (dense_rank() OVER (ORDER BY campaign_id, k / :size) - 1) AS pool_no FROM ("
            "  SELECT p.id AS person_id, c.id AS campaign_id, s.id AS site_id,"
            "  p.jurisdiction_id, row_number() OVER"
            "  (PARTITION BY c.id ORDER BY p.jurisdiction_id, p.id) - 1 AS k"
            "  FROM persons p JOIN jurisdictions j ON j.id = p.jurisdiction_id"
            "  JOIN screening_campaigns c ON c.jurisdiction_id = j.parent_id"
            "  JOIN screening_sites s ON s.campaign_id = c.id) numbered"
        ),
        {"size": POOL_SIZE},
    )
    connection.execute(text("CREATE INDEX ON wave_residents (g)"))
    connection.execute(text("ANALYZE wave_residents"))
    return _scalar(connection, "SELECT count(*) FROM wave_residents")


def _round(
    connection: Connection, r: int, day: date, taken: int, now: datetime, resulted: bool
) -> None:
    """Round ``r`` on ``day``: the first ``taken`` residents swabbed, pooled, and (for a
    past round) resulted negative. Ids follow the tables' current maxima."""
    base = {
        name: _scalar(connection, f"SELECT COALESCE(MAX(id), 0) FROM {name}")
        for name in ("samples", "pools", "pool_members")
    }
    params = {"r": r, "day": day, "taken": taken, "now": now, **base}
    # 08:00-16:00 in the province (UTC+8) is 00:00-08:00 UTC; never after the load.
    collected = (
        "LEAST(CAST(:day AS timestamp) AT TIME ZONE 'UTC' + (g % 480) * interval '1 minute',"
        " CAST(:now AS timestamptz) - interval '1 hour')"
    )
    connection.execute(
        text(
            "INSERT INTO samples (id, barcode, person_id, disease, sample_type, collected_at,"
            " jurisdiction_id, created_at, updated_at, site, lab, received_at)"
            f" SELECT :samples + g + 1, 'WS' || :r || '-' || g, person_id, 'covid19',"
            f" '{SAMPLE_TYPE}', {collected}, jurisdiction_id, :now, :now, 'S1',"
            f" 'City CDC lab', {collected} + interval '2 hours'"
            " FROM wave_residents WHERE g < :taken"
        ),
        params,
    )
    connection.execute(
        text(
            "INSERT INTO pools (id, barcode, campaign_id, site_id, round_no, axis, size,"
            " collected_at, jurisdiction_id)"
            f" SELECT :pools + pool_no + 1, 'WP' || :r || '-' || pool_no, min(campaign_id),"
            f" min(site_id), :r, 'pool', count(*), max({collected}), min(jurisdiction_id)"
            " FROM wave_residents WHERE g < :taken GROUP BY pool_no"
        ),
        params,
    )
    connection.execute(
        text(
            "INSERT INTO pool_members (id, pool_id, sample_id, person_id, campaign_id,"
            " round_no, axis, jurisdiction_id)"
            " SELECT :pool_members + g + 1, :pools + pool_no + 1, :samples + g + 1, person_id,"
            " campaign_id, :r, 'pool', jurisdiction_id FROM wave_residents WHERE g < :taken"
        ),
        params,
    )
    if resulted:
        connection.execute(
            text(
                "INSERT INTO pool_results (pool_id, campaign_id, outcome, resulted_at,"
                " jurisdiction_id) SELECT id, campaign_id, 'negative',"
                f" collected_at + interval '{RESULT_AFTER}', jurisdiction_id FROM pools"
                " WHERE id > :pools"
            ),
            params,
        )


def add(connection: Connection, as_of: date, now: datetime, wanted: int) -> dict[str, int]:
    """Screen until the samples table holds ``wanted`` rows; returns what was added."""
    before = _scalar(connection, "SELECT count(*) FROM samples")
    needed = max(0, wanted - before)
    residents_guess = _scalar(connection, "SELECT count(*) FROM persons") or 1
    rounds = max(1, -(-needed // residents_guess))
    _campaigns(connection, as_of - timedelta(days=rounds - 1), rounds, now)
    residents = _residents(connection) or 1
    rounds = max(1, -(-needed // residents))
    left = needed
    with deferred(connection, SCREENING_TABLES, only_empty=False):
        for r in range(1, rounds + 1):
            day = as_of - timedelta(days=rounds - r)
            _round(connection, r, day, min(residents, left), now, resulted=r < rounds)
            left -= min(residents, left)
    for name in ("samples", "pools", "pool_members", "pool_results"):
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )
    return {"residents": residents, "rounds": rounds, "samples_added": needed}
