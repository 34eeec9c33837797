"""The daily signal run: its clock, and a run killed mid-way that resumes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fireline.surveillance.signals.jobs import run_once, seconds_until
from tests.conftest import BACKENDS
from tests.db.factories import resumed_equals_uninterrupted
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases

END = date(2026, 3, 31)


def test_next_run_later_today_or_tomorrow() -> None:
    assert seconds_until("06:00", datetime(2026, 3, 1, 5, 30)) == 1800
    assert seconds_until("06:00", datetime(2026, 3, 1, 6, 0)) == 24 * 3600
    assert seconds_until("00:00", datetime(2026, 3, 1, 23, 0)) == 3600


def _spike(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, [2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 30])


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_interrupted_signal_run_resumes_without_duplicate_alerts(
    backend: str, tmp_path: Path
) -> None:
    counts = resumed_equals_uninterrupted(
        backend, tmp_path, _spike,
        [(lambda sessions: run_once(sessions, END), r"INSERT INTO alerts")],
    )
    assert counts["alerts"] >= 3  # the county, its city and the province
