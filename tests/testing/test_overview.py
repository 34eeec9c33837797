"""The testing overview's figures: the narrowed scope, the last 24 hours by the context's
clock, results by test and outcome, the latest positives."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.settings import Settings
from fireline.testing.overview import overview
from tests.places.factories import small_tree
from tests.testing.factories import T0, add_result


def test_figures_count_the_chosen_subtree_as_of_the_context_clock(session: Session) -> None:
    tree = small_tree(session)
    add_result(session, tree["C1A"], "A-1", "positive", hours=0)
    add_result(session, tree["C1A"], "A-2", "negative", hours=30, test_type="antigen")
    add_result(session, tree["C1B"], "B-1", "positive", hours=30)
    city = Actor(None, "epi", "epidemiologist", tree["C1"].id, tree["C1"].path)
    clock = FrozenClock(T0 + timedelta(hours=40))
    whole = overview(session, Context.build(city, Settings(), clock))
    assert (whole.samples, whole.samples_24h, whole.results, whole.positives) == (3, 2, 3, 2)
    assert whole.positives_24h == 1
    assert whole.tests == {"antigen": {"negative": 1}, "pcr": {"positive": 2}}
    assert whole.outcomes == ["positive", "negative"]
    assert [s.barcode for _, s, _ in whole.latest] == ["B-1", "A-1"]
    county = overview(session, Context.build(city, Settings(), clock).within(tree["C1A"]))
    assert (county.samples, county.positives) == (2, 1)
    assert [place.code for _, _, place in county.latest] == ["C1A"]
