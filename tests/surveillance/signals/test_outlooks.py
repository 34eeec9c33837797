"""The daily signal run stores every jurisdiction's nowcast and forecast."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.scope import system_actor
from fireline.diseases.loader import load_profiles
from fireline.surveillance.signals.jobs import run_once
from fireline.surveillance.signals.models import OutlookDay
from fireline.surveillance.trends.outlook import MAX_DELAY, outlook
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases

END = date(2026, 3, 31)


def test_daily_run_stores_what_the_dashboard_computes(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    tree = small_tree(session)
    for lag, per_day in ((0, 3), (1, 2), (2, 2), (4, 1)):
        add_daily_cases(session, tree["C1A"], END, [per_day] * 60, onset_lag=lag)
        add_daily_cases(session, tree["C2B"], END, [per_day * 2] * 60, onset_lag=lag)
    session.commit()
    profiles = load_profiles()
    run_once(sessions, END, profiles)
    run_once(sessions, END, profiles)  # a re-run replaces the day's rows
    session.expire_all()
    stored = session.scalars(select(OutlookDay).where(OutlookDay.run_date == END)).all()
    by_place: dict[int, list[OutlookDay]] = {}
    for row in stored:
        by_place.setdefault(row.jurisdiction_id, []).append(row)
    # The two counties, their cities and the province; C1B and C2A have no cases.
    names = {tree[c].id: c for c in ("P", "C1", "C2", "C1A", "C2B")}
    assert set(by_place) == set(names)
    for jid, rows in by_place.items():
        assert len(rows) == MAX_DELAY + 14, names[jid]
        live = outlook(session, system_actor(), tree[names[jid]].code, "covid19", END, profiles)
        assert live is not None
        now = {r.day: r for r in rows if r.day <= END}
        for day in live.days[-MAX_DELAY:]:
            assert now[day.day].reported == day.reported
            assert now[day.day].median == day.nowcast
            assert now[day.day].upper == day.upper
        ahead = sorted((r for r in rows if r.day > END), key=lambda r: r.day)
        assert ahead[0].day == END + timedelta(days=1)
        # Same method; the random draws differ between one series and all at once.
        for got, want in zip(ahead, live.forecast, strict=True):
            assert got.median is not None
            assert abs(got.median - want.median) <= max(2.0, 0.1 * want.median)
            assert got.lower is not None and got.lower <= got.median <= (got.upper or 0)
    province = {r.day: r for r in by_place[tree["P"].id] if r.day <= END}
    assert province[END].reported == 3 * 3  # C1A's 3 and C2B's 6 with delay 0


def test_without_profiles_the_run_stores_no_outlook(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    add_daily_cases(session, small_tree(session)["C1A"], END, [3] * 30, onset_lag=1)
    session.commit()
    run_once(sessions, END)
    session.expire_all()
    assert session.scalars(select(OutlookDay)).all() == []
