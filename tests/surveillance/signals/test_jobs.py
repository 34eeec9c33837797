"""The daily signal job's work: one committed run for one day (the worker schedules it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fireline.surveillance.signals.jobs import run_once
from fireline.surveillance.signals.models import Alert
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
