"""An order's calendar from the disease profile: pure functions, no database.

The contact category's phases run from the day after the last exposure (day 1) and
its test days count on the same scale (``ContactCategory`` in diseases/schemas.py; for
COVID-19 the NHC plan, 9th edition: 7 days facility + 3 days home monitoring, tests on
days 1, 2, 3, 5, 7 and 10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from fireline.diseases.schemas import ContactCategory
from fireline.errors import Problem

# Test days are bits of a signed 64-bit integer; day 62 is the last that fits.
MAX_TEST_DAY: Final = 62


@dataclass(frozen=True)
class Plan:
    start: date
    end: date
    kind: str
    test_mask: int


def test_mask(days: tuple[int, ...] | list[int]) -> int:
    """Bit ``n`` set for each test day ``n`` (days after the last exposure)."""
    mask = 0
    for day in days:
        if not 0 <= day <= MAX_TEST_DAY:
            raise Problem(422, f"test day {day} is outside 0..{MAX_TEST_DAY}")
        mask |= 1 << day
    return mask


def test_dates(last_exposure: date | None, mask: int) -> list[date]:
    """The days a sample is due, read back from the mask."""
    if last_exposure is None:
        return []
    return [last_exposure + timedelta(days=n) for n in range(MAX_TEST_DAY + 1) if mask >> n & 1]


def kind_on(category: ContactCategory, last_exposure: date, day: date) -> str:
    """Facility or home: the place of the phase running on ``day`` (home when none is)."""
    for period in category.periods(last_exposure):
        if period.start <= day <= period.end and period.place != "none":
            return period.place
    return "home"


def plan(category: ContactCategory, last_exposure: date, issued: date) -> Plan:
    """Start on the day the order is issued (never before the exposure), end by the rule."""
    end = category.quarantine_end(last_exposure)
    start = max(issued, last_exposure)
    if end < start:
        raise Problem(
            422,
            f"the {category.code} period ended on {end.isoformat()}: no order is needed",
        )
    first = max(start, last_exposure + timedelta(days=1))
    return Plan(start, end, kind_on(category, last_exposure, first), test_mask(category.test_days))


def check_dates(start: date, end: date) -> None:
    if end < start:
        raise Problem(422, "the end date is before the start date")
