"""Pages: the review queue with bulk decisions, and the venue timeline, in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.diseases.loader import load_profiles
from fireline.tracing.models import Contact
from fireline.tracing.venues.models import ProposedContact
from fireline.tracing.venues.rules import ExposureRule
from fireline.tracing.venues.service import propose_exposures
from tests.auth.factories import make_user
from tests.tracing.venues.factories import NOON, venue_world
from tests.web.pages import log_in


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    found = venue_world(session)
    propose_exposures(
        session,
        system_actor(),
        load_profiles(),
        ExposureRule(),
        case_ids=[found["case"].id],
        now=NOON,
    )
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    make_user(session, "faraway", "investigator", "C2A")
    make_user(session, "viewer", "viewer", "C1A")
    return found


def test_queue_lists_proposals_in_both_languages(client: TestClient, world: dict[str, Any]) -> None:
    log_in(client, "tracer")
    html = client.get("/investigation/venue-exposures").text
    assert "Proposed contacts from venue check-ins" in html
    assert html.count('name="ids"') == 3 and 'id="select-all"' in html
    assert "Venue V-C1A" in html
    zh = client.get("/investigation/venue-exposures?lang=zh").text
    assert "场所码" in zh or "待确认密接" in zh
    per_case = client.get(f"/investigation/venue-exposures?case={world['case'].id}").text
    assert per_case.count('name="ids"') == 3


def test_other_county_sees_none(client: TestClient, world: dict[str, Any]) -> None:
    log_in(client, "faraway")
    assert 'name="ids"' not in client.get("/investigation/venue-exposures").text
    assert client.get(f"/venues/{world['venue'].id}").status_code == 404


def test_bulk_confirm_lists_contacts(
    client: TestClient, world: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "tracer")
    ids = [p.id for p in session.scalars(select(ProposedContact))]
    form = {"csrf_token": csrf, "decision": "confirm", "ids": [str(i) for i in ids[:2]]}
    response = client.post(
        "/investigation/venue-exposures/decisions", data=form, follow_redirects=False
    )
    assert response.status_code == 303
    assert "done=confirm" in response.headers["location"]
    assert len(session.scalars(select(Contact)).all()) == 2
    page = client.get(response.headers["location"]).text
    assert "2 proposed contacts confirmed" in page and page.count('name="ids"') == 1


def test_decisions_need_a_selection_and_the_right(
    client: TestClient, world: dict[str, Any]
) -> None:
    csrf = log_in(client, "tracer")
    empty = client.post(
        "/investigation/venue-exposures/decisions", data={"csrf_token": csrf, "decision": "reject"}
    )
    assert empty.status_code == 400
    csrf = log_in(client, "viewer")
    assert client.get("/investigation/venue-exposures").status_code == 403


def test_venue_timeline_marks_the_case(client: TestClient, world: dict[str, Any]) -> None:
    log_in(client, "tracer")
    html = client.get(f"/venues/{world['venue'].id}?case={world['case'].id}").text
    assert html.count('<li class="visit is-case') == 1
    assert html.count('<li class="visit') == 4  # the later visit is outside the shown span
    assert "open-end" in html


def test_queue_is_in_the_menu_with_filters(client: TestClient, world: dict[str, Any]) -> None:
    """Issue 14: the venue exposure queue was in no menu and had no filters."""
    log_in(client, "tracer")
    html = client.get("/investigation").text
    assert 'href="/investigation/venue-exposures"' in html.split('class="mainnav"', 1)[1]
    queue = client.get("/investigation/venue-exposures").text
    assert 'id="filter-venue"' in queue and 'id="filter-day"' in queue
    assert 'id="filter-status"' in queue
    venue = world["venue"].id
    assert client.get(f"/investigation/venue-exposures?venue={venue}").text.count('name="ids"') == 3
    none = client.get("/investigation/venue-exposures?status=confirmed").text
    assert 'name="ids"' not in none
    assert client.get("/investigation/venue-exposures?day=not-a-day").status_code == 200


def test_a_viewer_is_not_sent_to_the_queue(client: TestClient, world: dict[str, Any]) -> None:
    log_in(client, "viewer")
    html = client.get("/").text
    assert 'href="/investigation/venue-exposures"' not in html
