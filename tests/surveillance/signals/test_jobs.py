from __future__ import annotations

from datetime import datetime

from fireline.surveillance.signals.jobs import seconds_until


def test_next_run_later_today_or_tomorrow() -> None:
    assert seconds_until("06:00", datetime(2026, 3, 1, 5, 30)) == 1800
    assert seconds_until("06:00", datetime(2026, 3, 1, 6, 0)) == 24 * 3600
    assert seconds_until("00:00", datetime(2026, 3, 1, 23, 0)) == 3600
