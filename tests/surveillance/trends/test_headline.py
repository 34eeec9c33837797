"""One Rt everywhere: the dashboard, the care page, the care API, the county matrix and
the API all show trends.headline.headline_rt, for the same data and moment."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.diseases import load_profiles
from fireline.places.models import Jurisdiction
from fireline.surveillance.trends.headline import MIN_CASES, headline_rt, headline_rt_by_child
from fireline.surveillance.trends.outlook import outlook
from fireline.surveillance.trends.service import rt
from fireline.web.i18n import rate
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases
from tests.web.pages import log_in

NOW = datetime(2026, 3, 31, 4, 0, tzinfo=UTC)  # noon in Asia/Shanghai
TODAY = date(2026, 3, 31)


def _world(session: Session) -> None:
    tree = small_tree(session)
    # Rising, with the last days' onsets still being reported (a 2-day lag).
    add_daily_cases(session, tree["C1A"], TODAY, [2] * 20 + [4] * 10 + [6] * 5, onset_lag=2)
    add_daily_cases(session, tree["C1B"], TODAY, [1], onset_lag=1)
    session.commit()
    make_user(session, "province", "admin", "P")


def test_the_headline_is_the_last_complete_window_and_small_counts_are_suppressed(
    session: Session,
) -> None:
    _world(session)
    profiles = load_profiles()
    found = headline_rt(session, system_actor(), "C1A", "covid19", TODAY, profiles)
    assert found.basis == "complete" and found.incomplete_from is not None
    assert found.date_end is not None and found.date_end < found.incomplete_from
    chart = rt(session, system_actor(), "C1A", "covid19", TODAY - timedelta(55), TODAY, profiles)
    # Not the chart's last (incomplete) window, but the chart's window ending that day.
    assert chart.windows[-1].date_end == TODAY and found.date_end < TODAY
    same = next(w for w in chart.windows if w.date_end == found.date_end)
    assert found.mean is not None and abs(found.mean - same.mean) < 1e-9
    single = headline_rt(session, system_actor(), "C1B", "covid19", TODAY, profiles)
    assert single.suppressed and single.mean is None and single.cases < MIN_CASES


def test_dashboard_care_matrix_and_api_show_the_same_rt(
    session: Session, client: TestClient
) -> None:
    client.app.state.clock = FrozenClock(NOW)  # type: ignore[attr-defined]
    _world(session)
    profiles = load_profiles()
    one = headline_rt(session, system_actor(), "C1A", "covid19", TODAY, profiles)
    assert one.mean is not None and one.date_end is not None
    shown = rate(one.mean, "en")
    headers = bearer(client, "province")
    api = client.get("/api/v1/jurisdictions/C1A/rt/headline", headers=headers).json()
    assert api["mean"] == one.mean and api["date_end"] == one.date_end.isoformat()
    rows = client.get("/api/v1/jurisdictions/C1/matrix", headers=headers).json()["rows"]
    assert next(r for r in rows if r["code"] == "C1A")["rt"]["mean"] == one.mean
    by_child = headline_rt_by_child(
        session, system_actor().within(_place(session, "C1")), "covid19", TODAY, profiles
    )
    assert [h.mean for h in by_child.values() if h.mean is not None] == [one.mean]
    # The forecast behind the dashboard's outlook and the care page's beds draws R there.
    ahead = outlook(session, system_actor(), "C1A", "covid19", TODAY, profiles)
    assert ahead is not None and ahead.simulated is not None
    assert float(ahead.simulated.r_mean[0]) == pytest.approx(one.mean)
    demand = client.get("/api/v1/care/bed-demand?jurisdiction=C1A", headers=headers).json()
    assert demand["rt"] == round(one.mean, 3)
    log_in(client, "province")
    dashboard = client.get("/surveillance?j=C1A&disease=covid19").text
    assert re.search(r'id="rt-headline">\s*' + re.escape(shown), dashboard)
    assert "Last complete 7-day window" in dashboard
    care = client.get("/care?j=C1A").text
    assert (
        f"Rt {shown}, the dashboard&#39;s headline" in care
        or f"Rt {shown}, the dashboard's headline" in care
    )
    matrix = client.get("/overview/matrix?j=C1").text
    assert re.search(r'id="row-C1A".*?class="num rt">' + re.escape(shown), matrix, re.S)


def _place(session: Session, code: str) -> Jurisdiction:
    return system_actor().jurisdiction(session, code)
