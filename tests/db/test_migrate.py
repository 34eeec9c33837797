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
