from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fireline.clock import FrozenClock, SystemClock, today


def test_frozen_clock_moves_only_when_told() -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(timedelta(hours=1))
    assert today(clock).isoformat() == "2026-03-02"


def test_system_clock_is_utc() -> None:
    assert SystemClock().now().tzinfo is UTC
