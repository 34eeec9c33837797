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
from fireline.surveillance.signals.service import SignalOptions
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


def test_the_job_runs_farrington_in_the_deployments_weeks(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    """Three years of 1-2 cases a day, then 6 a day in the week to Saturday 28 March:
    an MMWR week (Sunday-Saturday), alarmed by the job and stored on its last day."""
    counts = [1 + (i % 3 == 0) for i in range(3 * 365 + 40)]
    counts[-10:-3] = [6] * 7  # 22-28 March; END is Tuesday 31 March
    add_daily_cases(session, small_tree(session)["C1A"], END, counts)
    session.commit()
    run_once(sessions, END, options=SignalOptions(week_system="mmwr"))
    session.expire_all()
    weekly = session.scalars(select(Alert).where(Alert.method == "farrington")).all()
    assert weekly and {a.signal_date for a in weekly} == {date(2026, 3, 28)}
    assert all(a.observed == 42 and a.threshold is not None for a in weekly)
