"""Campaigns over a risk zone: their target, closing a round, and the screening round that
closing records on the zone (negative or positive, once), so the zone's status updates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.testing.pooling.models import ScreeningRound
from fireline.zones.models import ZoneRound
from tests.auth.factories import bearer, make_user
from tests.testing.factories import campaign, lab_world, result
from tests.zones.factories import COMPOUND, T0, draw, resident

DAY7 = T0 + timedelta(days=6)  # 2026-03-07 in Shanghai: the sealed level's seventh clean day


def zone_world(session: Session, client: TestClient, n: int = 6) -> dict[str, Any]:
    """A lab user in C1A and a sealed zone there with ``n`` residents (national IDs R0...)."""
    w = lab_world(session, client)
    for i in range(n):
        person = resident(session, w["tree"]["C1A"], f"{COMPOUND}{i + 1}幢101室", name=f"Res {i}")
        person.national_id = f"R{i}"
    resident(session, w["tree"]["C1A"], "文三路90号1幢101室", name="Next door")
    w["zone"] = draw(session, w["tree"]["C1A"]).id
    session.commit()
    return w


def tube(
    client: TestClient, headers: dict[str, str], cid: int, barcode: str, people: list[int]
) -> None:
    members = [{"barcode": f"{barcode}-{p}", "person_id": p} for p in people]
    body = {
        "barcode": barcode,
        "site_code": "S1",
        "members": members,
        "collected_at": DAY7.isoformat(),
    }
    made = client.post(f"/api/v1/campaigns/{cid}/pools", json=body, headers=headers)
    assert made.status_code == 201, made.text


def pool_results(client: TestClient, headers: dict[str, str], *rows: tuple[str, str]) -> Any:
    body = {
        "batch": "b1",
        "results": [
            {"barcode": b, "outcome": o, "resulted_at": (DAY7 + timedelta(hours=8)).isoformat()}
            for b, o in rows
        ],
    }
    found = client.post("/api/v1/pool-results", json=body, headers=headers)
    assert found.status_code == 200, found.text
    return found.json()


def close(client: TestClient, headers: dict[str, str], cid: int) -> Any:
    version = client.get(f"/api/v1/campaigns/{cid}", headers=headers).json()["campaign"]["version"]
    return client.post(
        f"/api/v1/campaigns/{cid}/close-round", json={"version": version}, headers=headers
    )


def zone_campaign(client: TestClient, w: dict[str, Any]) -> tuple[int, list[int]]:
    """A zone campaign in pools of 3 over the residents; its id and the residents' ids."""
    made = campaign(
        client, w["lab"], target_kind="zone", zone_id=w["zone"], pool_size=3, prevalence=None
    )
    assert made["population"] == 6 and made["zone_id"] == w["zone"]
    ids = client.get(f"/api/v1/zones/{w['zone']}/residents", headers=w["boss"]).json()
    return made["id"], ids["person_ids"]


def zone(client: TestClient, w: dict[str, Any]) -> Any:
    return client.get(f"/api/v1/zones/{w['zone']}", headers=w["lab"]).json()


def test_a_negative_round_is_recorded_on_the_zone_once(
    session: Session, client: TestClient
) -> None:
    w = zone_world(session, client)
    cid, people = zone_campaign(client, w)
    assert "screening_round" in [m["code"] for m in zone(client, w)["computed"]["missing"]]
    tube(client, w["lab"], cid, "Z1", people[:3])
    tube(client, w["lab"], cid, "Z2", people[3:5])  # one resident is not sampled
    early = close(client, w["lab"], cid)
    assert early.status_code == 409 and "2 of 2 pool tubes await" in early.json()["detail"]
    pool_results(client, w["lab"], ("Z1", "negative"))
    board = client.get(f"/api/v1/campaigns/{cid}", headers=w["lab"]).json()["round"]
    assert board | {"ready": None} == {
        "round_no": 1,
        "pools": 2,
        "resulted_pools": 1,
        "retests_open": 0,
        "sampled": 5,
        "zone_residents": 6,
        "residents_sampled": 5,
        "ready": None,
    }
    pool_results(client, w["lab"], ("Z2", "negative"))
    closed = close(client, w["lab"], cid)
    assert closed.status_code == 201, closed.text
    assert closed.json() | {"id": 0, "closed_at": ""} == {
        "id": 0,
        "campaign_id": cid,
        "round_no": 1,
        "result": "negative",
        "tested": 5,
        "first_day": "2026-03-07",
        "last_day": "2026-03-07",
        "zone_round_id": closed.json()["zone_round_id"],
        "closed_at": "",
    }
    found = zone(client, w)
    assert found["rounds"] == [
        {
            "id": closed.json()["zone_round_id"],
            "zone_id": w["zone"],
            "day": "2026-03-07",
            "result": "negative",
            "tested": 5,
        }
    ]
    assert "screening_round" not in [m["code"] for m in found["computed"]["missing"]]
    assert found["computed"]["earliest"] == "2026-03-08"
    # the same results again, and a second close: nothing more is recorded
    assert pool_results(client, w["lab"], ("Z1", "negative"), ("Z2", "negative"))["stored"] == 0
    stale = client.post(
        f"/api/v1/campaigns/{cid}/close-round", json={"version": 1}, headers=w["lab"]
    )
    assert stale.status_code == 409 and "version" in stale.json()["detail"]
    empty = close(client, w["lab"], cid)
    assert empty.status_code == 409 and "round 2 may not close yet" in empty.json()["detail"]
    assert session.scalar(select(func.count()).select_from(ZoneRound)) == 1
    assert session.scalar(select(func.count()).select_from(ScreeningRound)) == 1


def test_a_positive_retest_records_a_positive_round(session: Session, client: TestClient) -> None:
    w = zone_world(session, client)
    cid, people = zone_campaign(client, w)
    tube(client, w["lab"], cid, "Z1", people[:3])
    tube(client, w["lab"], cid, "Z2", people[3:])
    report = pool_results(client, w["lab"], ("Z1", "positive"), ("Z2", "negative"))
    assert report["retests"] == 3
    waiting = close(client, w["lab"], cid)
    assert waiting.status_code == 409 and "3 single retests await" in waiting.json()["detail"]
    later = (DAY7 + timedelta(days=1)).isoformat()
    body = {
        "source": "lab-a",
        "message_id": "retests",
        "results": [
            result(
                f"RT-{i}",
                "positive" if i == 0 else "negative",
                collected_at=later,
                resulted_at=later,
                person={"name": f"Res {i}", "national_id": f"R{i}"},
            )
            for i in range(3)
        ],
    }
    done = client.post("/api/v1/lab-results", json=body, headers=w["lab"])
    assert done.status_code in (200, 201) and done.json()["retests_closed"] == 3, done.text
    closed = close(client, w["lab"], cid)
    assert closed.status_code == 201, closed.text
    assert closed.json()["result"] == "positive" and closed.json()["tested"] == 6
    rounds = zone(client, w)["rounds"]
    assert [(r["result"], r["day"], r["tested"]) for r in rounds] == [("positive", "2026-03-07", 6)]


def test_an_inconclusive_tube_closes_the_round_without_a_zone_round(
    session: Session, client: TestClient
) -> None:
    w = zone_world(session, client)
    cid, people = zone_campaign(client, w)
    tube(client, w["lab"], cid, "Z1", people[:3])
    pool_results(client, w["lab"], ("Z1", "inconclusive"))
    closed = close(client, w["lab"], cid)
    assert closed.status_code == 201 and closed.json()["result"] == "inconclusive"
    assert closed.json()["zone_round_id"] is None and zone(client, w)["rounds"] == []
    # the next round takes the same people again
    tube(client, w["lab"], cid, "Z1-2", people[:3])


def test_a_zone_target_is_checked(session: Session, client: TestClient) -> None:
    w = zone_world(session, client)
    other = draw(session, w["tree"]["C2A"], name="Elsewhere")
    session.commit()
    body = {
        "name": "x",
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "pool_size": 5,
        "starts_on": "2026-03-07",
    }

    def post(**extra: Any) -> Any:
        return client.post("/api/v1/campaigns", json=body | extra, headers=w["lab"])

    assert post(target_kind="zone").status_code == 422
    assert post(zone_id=w["zone"]).status_code == 422  # a zone id without a zone target
    assert post(target_kind="zone", zone_id=other.id).status_code == 404
    make_user(session, "city", "admin", "C1")
    county_b = client.post(
        "/api/v1/campaigns",
        headers=bearer(client, "city"),
        json=body | {"target_kind": "zone", "zone_id": w["zone"], "jurisdiction_code": "C1B"},
    )
    assert county_b.status_code == 422 and "lies outside Place C1B" in county_b.text
    given = post(target_kind="zone", zone_id=w["zone"], population=40)
    assert given.status_code == 201 and given.json()["population"] == 40
