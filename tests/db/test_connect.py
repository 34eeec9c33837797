"""Opening the configured database for a command: checked to be reachable, one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from fireline.db.connect import database_session, open_engine
from fireline.db.engine import DatabaseUnavailable
from fireline.places.models import Jurisdiction
from fireline.settings import Settings
from tests.conftest import BACKENDS
from tests.db.factories import own_engine
from tests.places.factories import add_jurisdiction

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"


def places(url: str) -> list[str]:
    with database_session(Settings(database_url=url), reading=True) as session:
        return list(session.scalars(select(Jurisdiction.code).order_by(Jurisdiction.code)))


def test_the_engine_comes_from_the_settings_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = open_engine(Settings(database_url=f"sqlite:///{tmp_path}/given.db"))
    assert given.url.database == f"{tmp_path}/given.db"
    given.dispose()
    monkeypatch.setenv("FIRELINE_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    from_env = open_engine()
    assert from_env.url.database == f"{tmp_path}/env.db"
    from_env.dispose()


def test_an_unreachable_database_is_refused_before_any_work() -> None:
    with pytest.raises(DatabaseUnavailable, match="cannot reach the database"):
        open_engine(Settings(database_url=UNREACHABLE))
    with pytest.raises(DatabaseUnavailable), database_session(Settings(database_url=UNREACHABLE)):
        raise AssertionError("the block must not run")  # pragma: no cover


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_transaction_committed_on_success_rolled_back_on_error(
    backend: str, tmp_path: Path
) -> None:
    with own_engine(backend, tmp_path) as engine:
        url = engine.url.render_as_string(hide_password=False)
        with database_session(Settings(database_url=url)) as session:
            add_jurisdiction(session, "KEPT", level="province")
        with (
            pytest.raises(RuntimeError),
            database_session(Settings(database_url=url)) as session,
        ):
            add_jurisdiction(session, "LOST", level="province")
            raise RuntimeError("the command failed")
        assert places(url) == ["KEPT"]


def test_a_reading_session_cannot_write_on_sqlite(tmp_path: Path) -> None:
    with own_engine("sqlite", tmp_path) as engine:
        url = engine.url.render_as_string(hide_password=False)
        with (
            pytest.raises(OperationalError, match="readonly"),
            database_session(Settings(database_url=url), reading=True) as session,
        ):
            assert session.scalar(select(func.count()).select_from(Jurisdiction)) == 0
            add_jurisdiction(session, "NO", level="province")
        assert places(url) == []
