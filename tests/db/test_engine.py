from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from fireline.db.engine import DatabaseUnavailable, check_connection, make_engine, normalise_url
from fireline.db.migrate import upgrade


def test_plain_postgres_url_uses_psycopg3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_file_has_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/sub/f.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_unreachable_database_is_one_clear_line() -> None:
    engine = make_engine(
        "postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    with pytest.raises(DatabaseUnavailable) as error:
        check_connection(engine)
    message = str(error.value)
    assert message.startswith(
        "cannot reach the database at postgresql+psycopg://nobody@127.0.0.1:1"
    )
    assert "\n" not in message


def test_migrations_reach_the_models(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"jurisdictions", "persons", "cases", "users", "audit_events"} <= tables
    upgrade(engine)  # a second upgrade is a no-op
    with engine.connect() as connection:
        heads = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert len(heads) == 1


def test_migrations_match_the_models(engine: Engine) -> None:
    """A model change without its Alembic revision fails here, on both backends."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from fireline.tables import Base

    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
