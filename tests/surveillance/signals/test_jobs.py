from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import event

from fireline.db.engine import READ_ONLY, make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.surveillance.signals.jobs import run_once, seconds_until


def test_next_run_later_today_or_tomorrow() -> None:
    assert seconds_until("06:00", datetime(2026, 3, 1, 5, 30)) == 1800
    assert seconds_until("06:00", datetime(2026, 3, 1, 6, 0)) == 24 * 3600
    assert seconds_until("00:00", datetime(2026, 3, 1, 23, 0)) == 3600


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
