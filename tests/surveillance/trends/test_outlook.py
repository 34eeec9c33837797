"""The dashboard's nowcast and forecast by onset, from the database."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.diseases.loader import load_profiles
from fireline.surveillance.trends.outlook import HISTORY, MAX_DELAY, outlook
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases

END = date(2026, 3, 31)
ACTOR = system_actor()


def test_nowcast_completes_the_last_days_and_forecast_follows(session: Session) -> None:
    tree = small_tree(session)
    # Every onset day has 4 cases at each delay 0..3: 16 a day once all are reported.
    for lag in range(4):
        add_daily_cases(session, tree["C1A"], END, [4] * 80, onset_lag=lag)
    res = outlook(session, ACTOR, "C1", "covid19", END, load_profiles())
    assert res is not None and res.max_delay == MAX_DELAY
    assert len(res.days) == HISTORY and res.days[-1].day == END
    last = res.days[-1]
    assert last.reported == 4  # only delay 0 is known on the day itself
    assert last.nowcast == 16 and last.lower is not None and last.lower >= 4
    assert res.days[-3].reported == 12 and res.days[-3].nowcast == 16
    assert res.days[-MAX_DELAY - 1].nowcast is None  # complete: no nowcast drawn
    assert len(res.forecast) == 14 and res.forecast[0].day == END + timedelta(days=1)
    first = res.forecast[0]
    assert first.lower90 <= first.lower50 <= first.median <= first.upper50 <= first.upper90
    assert 8 <= first.median <= 30  # flat incidence of 16 a day stays near 16


def test_no_cases_no_outlook_and_few_cases_no_forecast(session: Session) -> None:
    tree = small_tree(session)
    assert outlook(session, ACTOR, "C1", "covid19", END, load_profiles()) is None
    add_daily_cases(session, tree["C1A"], END - timedelta(days=40), [1, 1], onset_lag=1)
    res = outlook(session, ACTOR, "C1", "covid19", END, load_profiles())
    assert res is not None and res.forecast == []
    assert sum(d.reported for d in res.days) == 2
