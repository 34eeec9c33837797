from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from fireline.surveillance.signals.series import daily_by_jurisdiction
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases

END = date(2026, 3, 31)


def test_counts_roll_up_the_tree(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, [1, 0, 2])
    add_daily_cases(session, tree["C1B"], END, [0, 3, 0])
    add_daily_cases(session, tree["C2A"], END, [5, 0, 0])
    add_daily_cases(session, tree["C2A"], END, [9, 9, 9], classification="discarded")
    series = daily_by_jurisdiction(session, "covid19", END, 3)
    rows = {jid: list(series.counts[i]) for i, jid in enumerate(series.jurisdiction_ids)}
    assert rows[tree["C1A"].id] == [1, 0, 2]
    assert rows[tree["C1"].id] == [1, 3, 2]
    assert rows[tree["C2"].id] == [5, 0, 0]
    assert rows[tree["P"].id] == [6, 3, 2]
    assert series.first == date(2026, 3, 29)


def test_other_disease_and_days_outside_are_left_out(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, [4, 4, 4, 4], disease="measles")
    add_daily_cases(session, tree["C1A"], date(2026, 4, 5), [7, 7, 7])
    series = daily_by_jurisdiction(session, "covid19", END, 2)
    assert series.counts.sum() == 0
