"""The overview's figures: in the asked jurisdiction's subtree, never outside the scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor, system_actor
from fireline.errors import NotFound
from fireline.places.models import Jurisdiction
from fireline.reports import service
from tests.places.factories import small_tree
from tests.web.pages import add_case

TODAY = date(2026, 3, 31)


@pytest.fixture
def tree(session: Session) -> dict[str, Jurisdiction]:
    places = small_tree(session)
    add_case(session, places["C1A"], "confirmed", TODAY)
    add_case(session, places["C1A"], "suspected", TODAY - timedelta(days=1))
    add_case(session, places["C2B"], "confirmed", TODAY - timedelta(days=20))
    session.flush()
    return places


def county(place: Jurisdiction) -> Actor:
    return Actor(None, "county", "viewer", place.id, place.path)


def test_counts_are_of_the_subtree_asked(session: Session, tree: dict[str, Jurisdiction]) -> None:
    everyone = system_actor()
    province = service.mechanism_counts(session, everyone, "P", TODAY)
    assert province.cases_by_classification == {"confirmed": 2, "suspected": 1}
    assert province.cases_last_7_days == 2
    city = service.mechanism_counts(session, everyone, "C2", TODAY)
    assert city.cases_by_classification == {"confirmed": 1} and city.cases_last_7_days == 0
    assert city.patients_in_hospital == 0  # no hospital: the care census, not the cases


def test_a_county_cannot_ask_for_another(session: Session, tree: dict[str, Jurisdiction]) -> None:
    mine = county(tree["C1A"])
    assert service.mechanism_counts(session, mine, "C1A", TODAY).cases_by_classification == {
        "confirmed": 1,
        "suspected": 1,
    }
    with pytest.raises(NotFound):
        service.mechanism_counts(session, mine, "C2B", TODAY)
    with pytest.raises(NotFound):
        service.child_counts(session, mine, "P")
    with pytest.raises(NotFound):
        service.epicurve_rows(session, mine, "C2B", TODAY, TODAY, ("confirmed",))


def test_children_and_the_epicurve(session: Session, tree: dict[str, Jurisdiction]) -> None:
    children = service.child_counts(session, system_actor(), "P")
    assert [(c.code, c.confirmed) for c in children] == [("C1", 1), ("C2", 1)]
    population = tree["C1"].population
    assert population is not None
    assert children[0].incidence_per_100k == round(100_000 / population, 2)
    rows = service.epicurve_rows(
        session, system_actor(), "C1", TODAY - timedelta(days=1), TODAY, ("confirmed", "suspected")
    )
    assert rows == [(TODAY - timedelta(days=1), "suspected", 1), (TODAY, "confirmed", 1)]
