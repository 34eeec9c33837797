"""The screening lists (``testing.pooling.lists``), page and API alike: campaigns by scope,
filter, search and sort; a campaign's retests with the members' names only for
``persons:read``; the envelope of their routes."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.listing import ListQuery
from fireline.testing.pooling.lists import list_campaigns, list_retests
from fireline.testing.pooling.models import ScreeningCampaign
from tests.auth.factories import bearer, make_user
from tests.testing.factories import campaign, context_of, lab_world, members
from tests.testing.test_pools import pool_results, register


def _campaign(session: Session, place: Any, name: str, day: int, **extra: Any) -> None:
    values = {
        "disease": "covid19",
        "target_kind": "jurisdiction",
        "pool_size": 10,
        "starts_on": date(2026, 1, day),
        "jurisdiction_id": place.id,
        **extra,
    }
    session.add(ScreeningCampaign(name=name, **values))
    session.flush()


def _names(session: Session, actor: Actor, **asked: Any) -> tuple[list[str], int]:
    rows, total = list_campaigns(session, context_of(actor), ListQuery(**asked))
    return [row.campaign.name for row in rows], total


def test_campaigns_by_scope_filter_search_and_sort(session: Session, client: TestClient) -> None:
    tree = lab_world(session, client)["tree"]
    _campaign(session, tree["C1A"], "Market round", 3)
    _campaign(session, tree["C1A"], "School round", 5, design="matrix")
    _campaign(session, tree["C1B"], "Harbour round", 4)
    _campaign(session, tree["C2A"], "Elsewhere", 6)
    county = Actor(None, "lab", "lab", tree["C1A"].id, tree["C1A"].path)
    assert _names(session, county) == (["School round", "Market round"], 2)
    city = Actor(None, "lab", "lab", tree["C1"].id, tree["C1"].path)
    assert _names(session, city)[0] == ["School round", "Harbour round", "Market round"]
    assert _names(session, city, filters={"design": "matrix"}) == (["School round"], 1)
    assert _names(session, city, q="arb") == (["Harbour round"], 1)
    assert _names(session, city, sort="name", descending=False)[0][0] == "Harbour round"
    rows, _ = list_campaigns(session, context_of(city), ListQuery(limit=1))
    assert rows[0].place.code == "C1A"


def test_retests_name_members_only_for_persons_read(session: Session, client: TestClient) -> None:
    w = lab_world(session, client)
    cid = campaign(client, w["lab"])["id"]
    register(client, w["lab"], cid, "P1", members("a", 3))
    pool_results(client, w["lab"], ("P1", "positive"))
    tree = w["tree"]
    lab = Actor(None, "lab", "lab", tree["C1A"].id, tree["C1A"].path)
    rows, total = list_retests(session, context_of(lab), cid, ListQuery(descending=False))
    assert total == 3 and [r.sample.barcode for r in rows] == ["a-00", "a-01", "a-02"]
    assert all(r.person is not None and r.hold is not None for r in rows)
    viewer = Actor(None, "viewer", "viewer", tree["C1A"].id, tree["C1A"].path)
    seen, _ = list_retests(session, context_of(viewer), cid, ListQuery())
    assert len(seen) == 3 and all(r.person is None for r in seen)
    negative = ListQuery(filters={"status": "negative"})
    assert list_retests(session, context_of(lab), cid, negative) == ([], 0)
    make_user(session, "other", "lab", "C2A")
    page = client.get(f"/api/v1/campaigns/{cid}/retests?limit=2", headers=w["lab"]).json()
    assert (page["total"], page["next_offset"], len(page["items"])) == (3, 2, 2)
    other = bearer(client, "other")
    assert client.get(f"/api/v1/campaigns/{cid}/retests", headers=other).status_code == 404


def test_the_campaign_route_answers_with_the_envelope(session: Session, client: TestClient) -> None:
    w = lab_world(session, client)
    campaign(client, w["lab"], name="First")
    campaign(client, w["lab"], name="Second", starts_on="2026-01-05")
    page = client.get("/api/v1/campaigns?limit=1", headers=w["lab"]).json()
    assert [c["name"] for c in page["items"]] == ["Second"]
    assert (page["total"], page["limit"], page["next_offset"]) == (2, 1, 1)
    searched = client.get("/api/v1/campaigns?q=Fir", headers=w["lab"]).json()
    assert [c["name"] for c in searched["items"]] == ["First"]
