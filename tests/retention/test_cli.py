"""``fireline retention purge``: a dry run by default, ``--apply`` to pseudonymise."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.people.models import Person
from tests.cli_runner import run
from tests.retention.factories import NOW, retention_world


def test_dry_run_then_apply(tmp_path: Path) -> None:
    database = tmp_path / "retention.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        retention_world(session)
    at = ["--now", NOW.isoformat()]
    counted = run(["retention", "purge", *at], database)
    assert counted.exit_code == 0, counted.output
    assert "2 contacts due (dry run" in counted.output and "covid19 28 d" in counted.output
    applied = run(["retention", "purge", "--apply", *at], database)
    assert applied.exit_code == 0 and "2 contacts pseudonymised" in applied.output
    again = run(["retention", "purge", "--apply", *at], database)
    assert "0 contacts pseudonymised" in again.output
    with engine.connect() as connection:
        renamed = select(func.count()).where(Person.name.like("pseudonym-%"))
        assert connection.execute(renamed).scalar_one() == 2
    assert run(["retention", "purge", "--now", "soon"], database).exit_code == 1
    engine.dispose()
