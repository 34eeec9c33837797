from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy.orm import Session

from fireline.analytics import estimate_rt
from fireline.auth.scope import Actor, system_actor
from fireline.diseases.loader import load_profiles
from fireline.errors import NotFound
from fireline.surveillance.trends import service
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases

END = date(2026, 3, 31)
ACTOR = system_actor()


def test_epicurve_is_tidy_by_classification(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, [1, 2])
    add_daily_cases(session, tree["C1B"], END, [0, 3], classification="suspected")
    rows = service.epicurve(session, ACTOR, "C1", "covid19", END - timedelta(1), END)
    got = {(r.date, r.classification): r.cases for r in rows}
    assert got == {
        (date(2026, 3, 30), "confirmed"): 1,
        (END, "confirmed"): 2,
        (END, "suspected"): 3,
    }


def test_daily_counts_use_onset_then_report_and_split_imported(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, [0, 0, 4], onset_lag=2)
    add_daily_cases(session, tree["C1A"], END, [0, 1, 0])
    add_daily_cases(session, tree["C1A"], END, [0, 0, 5], imported=True, onset_lag=0)
    local, imported = service.daily_counts(
        session, ACTOR, "C1A", "covid19", END - timedelta(2), END, by_onset=True
    )
    assert list(local) == [4, 1, 0] and list(imported) == [0, 0, 5]


def test_rt_equals_epiestim_on_the_same_counts(session: Session) -> None:
    tree = small_tree(session)
    counts = [int(3 * 1.08**i) for i in range(40)]
    add_daily_cases(session, tree["C2A"], END, counts, onset_lag=0)
    start = END - timedelta(days=39)
    result = service.rt(session, ACTOR, "P", "covid19", start, END, load_profiles())
    reference = estimate_rt(
        np.array(counts, float), None, si_mean=result.si_mean, si_sd=result.si_sd
    )
    assert result.windows[-1].mean == pytest.approx(float(reference.mean[-1]), rel=1e-12)
    assert result.windows[-1].date_end == END
    assert result.windows[-1].mean > 1


def test_rt_for_unknown_disease_is_404(session: Session) -> None:
    small_tree(session)
    with pytest.raises(NotFound):
        service.rt(
            session, ACTOR, "P", "no-such-disease", END - timedelta(30), END, load_profiles()
        )


def test_growth_recovers_a_known_rate(session: Session) -> None:
    tree = small_tree(session)
    counts = [round(20 * math.exp(0.1 * i)) for i in range(14)]
    add_daily_cases(session, tree["C1A"], END, counts)
    fit = service.growth(session, ACTOR, "C1A", "covid19", END, window=14)
    assert fit.growth_rate is not None
    assert fit.growth_rate == pytest.approx(0.1, abs=0.01)
    assert fit.doubling_days == pytest.approx(math.log(2) / fit.growth_rate, rel=1e-9)
    assert fit.halving is False and fit.cases_in_window == sum(counts)


def test_growth_without_cases_is_empty(session: Session) -> None:
    small_tree(session)
    fit = service.growth(session, ACTOR, "C1A", "covid19", END)
    assert fit.growth_rate is None and fit.cases_in_window == 0


def test_delays(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, [2, 2], onset_lag=1)
    add_daily_cases(session, tree["C1A"], END, [0, 1], onset_lag=4)
    result = service.delays(session, ACTOR, "C1A", "covid19", END - timedelta(5), END)
    assert [(r.delay_days, r.cases) for r in result.distribution] == [
        (1, 4),
        (2, 0),
        (3, 0),
        (4, 1),
    ]
    assert result.mean == pytest.approx(8 / 5) and result.median == 1


def test_weeks_differ_between_iso_and_mmwr_at_the_year_edge(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], date(2021, 1, 2), [1, 1])  # Fri 1 Jan, Sat 2 Jan
    start, end = date(2021, 1, 1), date(2021, 1, 2)
    iso = service.weekly(session, ACTOR, "C1A", "covid19", start, end, "iso")
    mmwr = service.weekly(session, ACTOR, "C1A", "covid19", start, end, "mmwr")
    assert [(w.week, w.cases) for w in iso] == [("2020-W53", 2)]
    assert [(w.week, w.week_start, w.week_end) for w in mmwr] == [
        ("2020-53", date(2020, 12, 27), date(2021, 1, 2))
    ]


def test_cases_by_child_counts_each_child_s_subtree_in_the_narrowed_scope(
    session: Session,
) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, [1, 2])
    add_daily_cases(session, tree["C1B"], END, [0, 3], classification="suspected")
    add_daily_cases(session, tree["C2A"], END, [4], disease="measles")
    province = ACTOR.within(tree["P"])
    counted = service.cases_by_child(session, province, ("confirmed", "probable"))
    assert [(p.code, n) for p, n in counted] == [("C1", 3), ("C2", 4)]
    city = ACTOR.within(tree["C1"])
    last_day = service.cases_by_child(
        session, city, ("confirmed", "suspected"), disease="covid19", reported=(END, END)
    )
    assert [(p.code, n) for p, n in last_day] == [("C1A", 2), ("C1B", 3)]
    county = Actor(None, "c2", "epidemiologist", tree["C2"].id, tree["C2"].path)
    assert [p.code for p, _ in service.cases_by_child(session, county, ("confirmed",))] == [
        "C2A",
        "C2B",
    ]  # another city's places are never listed
