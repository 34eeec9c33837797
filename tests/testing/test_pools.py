"""Screening campaigns: pool size from prevalence, tube registration and its refusals, pool
results in bulk with holds and retests, retest results, matrix decoding, the dashboard."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.positives.models import ConversionProposal
from fireline.surveillance.models import Case
from fireline.testing.pooling.models import PoolResult, RetestOrder
from tests.auth.factories import bearer, make_user
from tests.testing.factories import T0, campaign, lab_world, members, result


def register(
    client: TestClient, headers: dict[str, str], cid: int, tube: str, people: list[dict[str, Any]]
) -> Any:
    body = {"barcode": tube, "site_code": "S1", "members": people}
    return client.post(f"/api/v1/campaigns/{cid}/pools", json=body, headers=headers)


def pool_results(client: TestClient, headers: dict[str, str], *rows: tuple[str, str]) -> Any:
    body = {
        "batch": "plate-1",
        "results": [
            {"barcode": b, "outcome": o, "resulted_at": T0.isoformat(), "ct_value": 30.0}
            for b, o in rows
        ],
    }
    return client.post("/api/v1/pool-results", json=body, headers=headers)


def test_pool_size_comes_from_prevalence_capped_by_the_profile(
    session: Session, client: TestClient
) -> None:
    w = lab_world(session, client)
    assert campaign(client, w["lab"])["pool_size"] == 10  # optimum 45 at 0.05%, capped at 10
    hand = campaign(client, w["lab"], name="By hand", pool_size=5, prevalence=None)
    assert hand["pool_size"] == 5 and hand["chosen_by"] == "hand"
    too_big = client.post(
        "/api/v1/campaigns",
        headers=w["lab"],
        json={
            "name": "x",
            "disease": "covid19",
            "jurisdiction_code": "C1A",
            "pool_size": 20,
            "starts_on": "2026-01-02",
        },
    )
    assert too_big.status_code == 422


def test_positive_pool_holds_members_and_orders_retests(
    session: Session, client: TestClient
) -> None:
    w = lab_world(session, client)
    cid = campaign(client, w["lab"])["id"]
    assert register(client, w["lab"], cid, "P1", members("a", 10)).status_code == 201
    assert register(client, w["lab"], cid, "P2", members("b", 10)).status_code == 201
    report = pool_results(client, w["lab"], ("P1", "positive"), ("P2", "negative"))
    assert report.status_code == 200, report.text
    assert report.json() | {"rows": 2} == {
        "rows": 2,
        "stored": 2,
        "unchanged": 0,
        "positive_pools": 1,
        "candidates": 10,
        "holds": 10,
        "retests": 10,
    }
    again = pool_results(client, w["lab"], ("P1", "positive"), ("P2", "negative")).json()
    assert again["unchanged"] == 2 and again["retests"] == 0
    holds = session.scalars(select(QuarantineOrder)).all()
    assert {h.status for h in holds} == {"active"} and {h.source for h in holds} == {"screening"}
    orders = session.scalars(select(RetestOrder)).all()
    assert len(orders) == 10 and all(o.hold_order_id for o in orders)
    # single retests: one negative releases its hold; one positive becomes a case and its
    # hold waits, with a conversion proposed, for a person to confirm it
    body = {
        "source": "lab-a",
        "message_id": "retests",
        "results": [
            result("RT-neg", "negative", person={"name": "Member a 0", "national_id": "IDa0000"}),
            result("RT-pos", "positive", person={"name": "Member a 1", "national_id": "IDa0001"}),
        ],
    }
    done = client.post("/api/v1/lab-results", json=body, headers=w["lab"]).json()
    assert done["retests_closed"] == 2 and done["cases_created"] == 1
    session.expire_all()
    statuses = sorted(h.status for h in session.scalars(select(QuarantineOrder)))
    assert statuses.count("released") == 1 and statuses.count("converted") == 0
    proposal = session.scalars(select(ConversionProposal)).one()
    assert session.get_one(QuarantineOrder, proposal.order_id).status == "active"
    assert session.scalars(select(Case)).one().classification == "confirmed"
    dash = client.get(f"/api/v1/campaigns/{cid}", headers=w["lab"]).json()
    assert dash["sampled"] == 20 and dash["positive_pools"] == 1 and dash["positives"] == 1
    assert dash["tests_used"] == 12 and dash["by_site"][0]["pools"] == 2


def test_registration_refusals(session: Session, client: TestClient) -> None:
    w = lab_world(session, client)
    cid = campaign(client, w["lab"])["id"]
    assert register(client, w["lab"], cid, "P1", members("a", 3)).status_code == 201
    tube_again = register(client, w["lab"], cid, "P1", members("b", 3))
    assert tube_again.status_code == 409 and tube_again.json()["errors"][0]["path"] == "barcode"
    twice = members("c", 2)
    twice[1]["barcode"] = twice[0]["barcode"]
    scanned = register(client, w["lab"], cid, "P2", twice)
    assert scanned.json()["errors"][0]["path"] == "members[1].barcode"
    same_person = members("a", 1)
    same_person[0]["barcode"] = "new-barcode"
    moved = register(client, w["lab"], cid, "P3", same_person)
    assert moved.status_code == 409 and "already in a pool" in moved.json()["detail"]


def test_bad_pool_results_store_nothing(session: Session, client: TestClient) -> None:
    w = lab_world(session, client)
    cid = campaign(client, w["lab"])["id"]
    register(client, w["lab"], cid, "P1", members("a", 3))
    body = {
        "batch": "b",
        "results": [
            {"barcode": "P1", "outcome": "positive", "resulted_at": T0.isoformat(), "ct_value": 30},
            {"barcode": "NOPE", "outcome": "negative", "resulted_at": T0.isoformat()},
            {"barcode": "P1", "outcome": "positive", "resulted_at": T0.isoformat(), "ct_value": 99},
        ],
    }
    response = client.post("/api/v1/pool-results", json=body, headers=w["lab"])
    assert response.status_code == 422
    paths = {e["path"] for e in response.json()["errors"]}
    assert {"results[1].barcode", "results[2].ct_value", "results[0].barcode"} <= paths
    assert session.scalar(select(func.count()).select_from(PoolResult)) == 0
    assert session.scalar(select(func.count()).select_from(RetestOrder)) == 0


def test_matrix_plate_decodes_to_the_intersection(session: Session, client: TestClient) -> None:
    w = lab_world(session, client)
    cid = campaign(client, w["lab"], design="matrix", pool_size=3, prevalence=None)["id"]
    body = {"plate": "M1", "site_code": "S1", "members": members("m", 9)}
    made = client.post(f"/api/v1/campaigns/{cid}/plates", json=body, headers=w["lab"])
    assert made.status_code == 201, made.text
    tubes = made.json()  # the envelope, every tube on its one page
    assert (tubes["total"], tubes["offset"], tubes["next_offset"]) == (6, 0, None)
    assert sorted(p["barcode"] for p in tubes["items"]) == [
        "M1-C1",
        "M1-C2",
        "M1-C3",
        "M1-R1",
        "M1-R2",
        "M1-R3",
    ]
    rows = [(f"M1-R{i}", "positive" if i == 2 else "negative") for i in (1, 2, 3)]
    rows += [(f"M1-C{i}", "positive" if i == 3 else "negative") for i in (1, 2, 3)]
    report = pool_results(client, w["lab"], *rows).json()
    assert report["candidates"] == 1 and report["retests"] == 1
    order = session.scalars(select(RetestOrder)).one()
    from fireline.lab.models import Sample

    assert session.get_one(Sample, order.sample_id).barcode == "m-05"  # row 2, column 3


def test_two_counties_hold_the_same_tube_barcode_each_results_its_own(
    session: Session, client: TestClient
) -> None:
    """Tube barcodes are unique per jurisdiction; a user above both counties results the
    older tube (the one a county user would have registered first)."""
    w = lab_world(session, client)
    make_user(session, "lab-b", "lab", "C1B")
    make_user(session, "city", "lab", "C1")
    lab_b, city = bearer(client, "lab-b"), bearer(client, "city")
    ours = campaign(client, w["lab"])["id"]
    theirs = campaign(client, lab_b, jurisdiction_code="C1B")["id"]
    assert register(client, w["lab"], ours, "SAME", members("a", 2)).status_code == 201
    assert register(client, lab_b, theirs, "SAME", members("b", 2)).status_code == 201
    assert pool_results(client, lab_b, ("SAME", "negative")).json()["stored"] == 1
    assert pool_results(client, city, ("SAME", "positive")).json()["stored"] == 1
    stored = session.execute(select(PoolResult.campaign_id, PoolResult.outcome)).all()
    assert sorted(stored) == [(ours, "positive"), (theirs, "negative")]
