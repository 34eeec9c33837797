"""The investigation landing page's figures: counted under the chosen jurisdiction only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.errors import NotFound
from fireline.places.models import Jurisdiction
from fireline.tracing import overview
from tests.places.factories import by_code
from tests.surveillance.cases.factories import county_world, post_case

from .factories import api, contact_body, frozen_client

TODAY = date(2024, 3, 5)


@pytest.fixture
def client(app_factory: Any, session: Session) -> Iterator[TestClient]:
    county_world(session)
    session.commit()
    yield from frozen_client(app_factory)


def _list(client: TestClient, user: str, county: str, names: list[str], last: str) -> None:
    cid = post_case(client, user, jurisdiction_code=county)["id"]
    for name in names:
        body = contact_body(name, last=last)
        made = api(client, user, "POST", f"/cases/{cid}/contacts", json=body)
        assert made.status_code == 201, made.text


def _actor(place: Jurisdiction) -> Actor:
    return Actor(None, "reader", "viewer", place.id, place.path)


def test_figures_count_the_chosen_subtree_only(client: TestClient, session: Session) -> None:
    _list(client, "ann", "C1A", ["Zhao Li", "Qian Er"], "2024-03-04")
    _list(client, "bob", "C2A", ["Sun San"], "2024-03-04")
    c1, c1a = by_code(session, "C1"), by_code(session, "C1A")
    county = overview.investigation(session, _actor(c1a), c1a, TODAY)
    assert (county.contacts, county.recent, county.traced, county.links) == (2, 2, 1, 0)
    assert county.categories == [("close", 2, 2)]
    assert county.areas == []  # a county has no jurisdictions below it
    city = overview.investigation(session, _actor(c1), c1, TODAY)
    assert [(j.code, n) for j, n in city.areas] == [("C1A", 2), ("C1B", 0)]
    later = overview.investigation(session, _actor(c1), c1, date(2024, 4, 30))
    assert (later.contacts, later.recent) == (2, 0)


def test_a_place_outside_the_scope_is_not_counted(client: TestClient, session: Session) -> None:
    c1a, c2a = by_code(session, "C1A"), by_code(session, "C2A")
    with pytest.raises(NotFound):
        overview.investigation(session, _actor(c1a), c2a, TODAY)
