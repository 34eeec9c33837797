"""The report's figures and documents for a province, a city and a county."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.errors import NotFound
from fireline.reports.sitrep import render, service
from fireline.response.league import league_table
from fireline.settings import Settings
from fireline.surveillance.trends.headline import headline_rt
from tests.places.factories import small_tree
from tests.reports.sitrep.factories import DAY, outbreak
from tests.response.factories import T0, open_overdue_response

NOW = datetime(2026, 3, 11, 1, 0, tzinfo=UTC)  # 09:00 the next morning in Hangzhou


def context() -> Context:
    return Context.build(system_actor(), Settings(), FrozenClock(NOW))


# C1A: 80 cases over the 28 days before, 1 on the day; C2B: 2 before, 1 on the day.
@pytest.mark.parametrize(
    ("code", "new", "cumulative"), [("P", 2, 84), ("C1", 1, 81), ("C1A", 1, 81)]
)
def test_the_report_exists_for_each_level_in_both_languages(
    session: Session, code: str, new: int, cumulative: int
) -> None:
    outbreak(session)
    found = service.figures(session, context(), code, DAY, "covid19")
    report = found.sitrep
    assert (report.place.code, report.report_date) == (code, DAY)
    children = {c.place.code: (c.new, c.cumulative) for c in report.children}
    assert (report.new_cases, report.cumulative_cases) == (new, cumulative)
    if code == "P":
        assert children == {"C1": (1, 81), "C2": (1, 3)}
    if code == "C1":
        assert children == {"C1A": (1, 81), "C1B": (0, 0)}
    english = render.html(found, "en")
    chinese = render.html(found, "zh")
    assert "Daily situation report" in english and "<svg" in english
    assert "每日疫情通报" in chinese and "Daily situation report" not in chinese
    assert f"/surveillance?j={code}" in english  # every figure links to its page


def test_rt_is_the_headline_the_dashboard_shows(session: Session) -> None:
    """One Rt definition (trends.headline): the report's figure is the headline's."""
    outbreak(session)
    ctx = context()
    found = service.figures(session, ctx, "C1A", DAY, "covid19")
    headline = headline_rt(session, ctx.actor, "C1A", "covid19", DAY, ctx.profiles)
    assert found.sitrep.rt is not None and not headline.suppressed
    assert headline.mean is not None and headline.date_end is not None
    assert found.sitrep.rt.mean == round(headline.mean, 2)
    assert found.sitrep.rt.window_end == headline.date_end
    assert found.sitrep.rt.cases_in_window == headline.cases


def test_a_place_out_of_scope_is_not_found(session: Session) -> None:
    tree = outbreak(session)
    county = Context.build(system_actor().within(tree["C2A"]), Settings(), FrozenClock(NOW))
    with pytest.raises(NotFound):
        service.figures(session, county, "C1A", DAY, "covid19")


def test_rt_on_few_cases_is_not_shown_as_on_the_dashboard(session: Session) -> None:
    outbreak(session)
    found = service.figures(session, context(), "C2B", DAY, "covid19")
    # One case (reported on 7 March) in the window: below the headline's minimum of 12.
    assert found.sitrep.rt is None
    assert "Rt is not shown: fewer than 12 cases" in render.html(found, "en")
    many = service.figures(session, context(), "C1A", DAY, "covid19").sitrep.rt
    assert many is not None and many.cases_in_window >= 12


def test_the_7_1_7_columns_equal_the_league_table(session: Session) -> None:
    tree = small_tree(session)
    open_overdue_response(session, tree["C1A"])
    day = (T0 + timedelta(days=3)).date()
    at = datetime.combine(day + timedelta(days=1), time(), UTC) - timedelta(hours=8)
    ctx = Context.build(system_actor(), Settings(), FrozenClock(at + timedelta(hours=9)))
    report = service.figures(session, ctx, "P", day, "covid19").sitrep
    rows = {r.place.code: r for r in report.responses}
    table = league_table(session, tree["P"], day - timedelta(days=6), day, at, 0.8, "county")
    assert set(rows) == {"C1A"} and report.counties_without_responses == 3
    for league_row in table:
        cells, mine = league_row.cells, rows.get(league_row.code)
        if mine is None:
            assert cells["overdue_tasks"].numerator == 0
            continue
        assert mine.overdue_tasks == cells["overdue_tasks"].numerator > 0
        assert (mine.detect_met, mine.detect_total) == (
            cells["detect_7d"].numerator,
            cells["detect_7d"].denominator,
        )
        assert (mine.respond_met, mine.respond_total) == (
            cells["respond_7d"].numerator,
            cells["respond_7d"].denominator,
        )
