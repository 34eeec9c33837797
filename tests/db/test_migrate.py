from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from fireline.db.engine import make_engine
from fireline.db.migrate import upgrade

FIRST_REVISION = "a91cbf7d2c7f"


def test_upgrade_keeps_data_written_under_the_first_schema(tmp_path: Path) -> None:
    """Batch rebuilds of referenced tables (cases, persons) must not fail or lose rows."""
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, FIRST_REVISION)
    statements = [
        "INSERT INTO jurisdictions (id, code, name_en, name_zh, level, path, depth, timezone,"
        " created_at, updated_at) VALUES (1, 'P', 'P', 'P', 'province', '/P/', 0,"
        " 'Asia/Shanghai', '2026-01-01', '2026-01-01')",
        "INSERT INTO persons (id, name, jurisdiction_id, version, created_at, updated_at)"
        " VALUES (1, 'x', 1, 1, '2026-01-01', '2026-01-01')",
        "INSERT INTO cases (id, person_id, disease, source, classification, date_reporting,"
        " imported, jurisdiction_id, version, created_at, updated_at) VALUES (1, 1,"
        " 'covid19', 'test', 'confirmed', '2026-01-02', 0, 1, 1, '2026-01-01', '2026-01-01')",
    ]
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM cases")).scalar() == 1
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_a_stored_zero_threshold_becomes_not_recorded(tmp_path: Path) -> None:
    """Migration 7b3e9c2d1a64: EARS C3 stored 0 where no count threshold existed; a row
    cannot say why after the fact, so a 0 becomes no threshold, "not-recorded"."""
    engine = make_engine(f"sqlite:///{tmp_path}/alerts.db")
    upgrade(engine, "5d2e8a7c4b19")
    columns = (
        "(id, jurisdiction_id, disease, signal_date, method, observed, expected, threshold,"
        " score, status, version, created_at, updated_at)"
    )
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO jurisdictions (id, code, name_en, name_zh, level, path, depth,"
                " timezone, created_at, updated_at) VALUES (1, 'P', 'P', 'P', 'province',"
                " '/P/', 0, 'Asia/Shanghai', '2026-01-01', '2026-01-01')"
            )
        )
        for id_, method, threshold in ((1, "ears-c3", 0.0), (2, "ears-c2", 7.5)):
            connection.execute(
                text(
                    f"INSERT INTO alerts {columns} VALUES ({id_}, 1, 'covid19', '2026-10-09',"
                    f" '{method}', 8, 1.5, {threshold}, 4.2, 'open', 1, '2026-10-09',"
                    " '2026-10-09')"
                )
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, threshold, threshold_note FROM alerts ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [(1, None, "not-recorded"), (2, 7.5, None)]
    engine.dispose()


def test_the_daily_counts_start_from_the_cases_stored_before(tmp_path: Path) -> None:
    """Migration d8618459cff0 counts the cases already stored, then its triggers count
    the next ones."""
    engine = make_engine(f"sqlite:///{tmp_path}/counts.db")
    upgrade(engine, "7b3f1e9a5c20")
    case = (
        "INSERT INTO cases (person_id, disease, source, classification, date_onset,"
        " date_reporting, imported, jurisdiction_id, version, created_at, updated_at) VALUES"
        " (1, 'covid19', 'test', '{}', {}, '2026-01-05', 0, 1, 1, '2026-01-05', '2026-01-05')"
    )
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO jurisdictions (id, code, name_en, name_zh, level, path, depth,"
                " timezone, created_at, updated_at) VALUES (1, 'P', 'P', 'P', 'province',"
                " '/P/', 0, 'Asia/Shanghai', '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO persons (id, name, jurisdiction_id, version, created_at,"
                " updated_at) VALUES (1, 'x', 1, 1, '2026-01-01', '2026-01-01')"
            )
        )
        for classification, onset in [("confirmed", "'2026-01-02'")] * 2 + [("suspected", "NULL")]:
            connection.execute(text(case.format(classification, onset)))
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text(case.format("confirmed", "NULL")))
        rows = connection.execute(
            text(
                "SELECT classification, day_onset, onset_known, case_count"
                " FROM case_daily_counts ORDER BY classification, day_onset"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("confirmed", "2026-01-02", 1, 2),
        ("confirmed", "2026-01-05", 0, 1),
        ("suspected", "2026-01-05", 0, 1),
    ]
    engine.dispose()
