"""The daily signal job's work: one committed run for one day (the worker schedules it),
and a run killed mid-way that resumes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from fireline.db.engine import READ_ONLY, make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.surveillance.signals.jobs import run_once
from fireline.surveillance.signals.models import Alert
from tests.conftest import BACKENDS
from tests.db.factories import resumed_equals_uninterrupted
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases

END = date(2026, 3, 31)


def test_run_once_commits_the_days_alerts(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    add_daily_cases(session, small_tree(session)["C1A"], END, [2, 3] * 5 + [2, 30])
    session.commit()
    summary = run_once(sessions, END)
    assert summary.signal_date == END and summary.alerts > 0
    session.expire_all()
    assert session.scalars(select(Alert.signal_date)).all() == [END] * summary.alerts


def _spike(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, [2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 30])


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_interrupted_signal_run_resumes_without_duplicate_alerts(
    backend: str, tmp_path: Path
) -> None:
    counts = resumed_equals_uninterrupted(
        backend,
        tmp_path,
        _spike,
        [(lambda sessions: run_once(sessions, END), r"INSERT INTO alerts")],
    )
    assert counts["alerts"] >= 3  # the county, its city and the province


def test_the_daily_run_reads_its_series_before_taking_the_write_lock(tmp_path: Path) -> None:
    """The series are computed in a reading transaction (SQLite: no write lock), then
    the alerts are written in a second, short one; it was one transaction before."""
    engine = make_engine(f"sqlite:///{tmp_path}/fireline.db")
    upgrade(engine)
    reading: list[bool] = []
    event.listen(
        engine, "begin", lambda c: reading.append(bool(c.get_execution_options().get(READ_ONLY)))
    )
    run_once(session_factory(engine), date(2026, 3, 1))
    engine.dispose()
    assert reading == [True, False]
