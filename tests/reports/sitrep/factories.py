"""A small outbreak for the report's tests: confirmed cases in two counties over a month."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from fireline.places.models import Jurisdiction
from tests.places.factories import small_tree
from tests.web.pages import add_case

DAY = date(2026, 3, 10)  # the report date of the tests


def outbreak(session: Session) -> dict[str, Jurisdiction]:
    """P > C1, C2 > C1A, C1B, C2A, C2B; C1A has a growing wave, C2B a few cases, and
    one case is reported on ``DAY`` in each of them (two new, the rest before)."""
    tree = small_tree(session)
    for back in range(1, 29):
        for _ in range(1 + (28 - back) // 6):
            case = add_case(session, tree["C1A"], "confirmed", DAY - timedelta(days=back))
            case.date_onset = DAY - timedelta(days=back + 2)
    for back in (0, 3, 9):
        add_case(session, tree["C2B"], "confirmed", DAY - timedelta(days=back))
    add_case(session, tree["C1A"], "confirmed", DAY)
    add_case(session, tree["C1B"], "suspected", DAY)  # not counted
    add_case(session, tree["C1B"], "confirmed", DAY + timedelta(days=1))  # after the day
    session.commit()
    return tree
