"""Interviews, contacts, proposals, links and clusters through the JSON API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.people.models import Person
from fireline.quarantine.models import QuarantineOrder
from fireline.tracing.links import link_contacts_who_became_cases
from fireline.tracing.models import Contact, TransmissionLink
from tests.surveillance.cases.factories import county_world, post_case

from .factories import api, contact_body, frozen_client


@pytest.fixture
def client(app_factory: Any, session: Session) -> Iterator[TestClient]:
    county_world(session)
    session.commit()
    yield from frozen_client(app_factory)


def case_id(client: TestClient, **over: Any) -> int:
    return int(post_case(client, "ann", **over)["id"])


def test_interview_autosaves_with_its_version(client: TestClient) -> None:
    cid = case_id(client)
    first = api(client, "ann", "GET", f"/cases/{cid}/interview").json()
    assert first["version"] == 1 and first["date_onset"] == "2024-03-02"
    body = {"version": 1, "symptoms": ["fever", "cough"], "notes": "called at 9"}
    saved = api(client, "ann", "PATCH", f"/cases/{cid}/interview", json=body)
    assert saved.status_code == 200 and saved.json()["version"] == 2
    stale = api(client, "ann", "PATCH", f"/cases/{cid}/interview", json={**body, "notes": "x"})
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    bad = api(
        client,
        "ann",
        "PATCH",
        f"/cases/{cid}/interview",
        json={"version": 2, "symptoms": ["itching"]},
    )
    assert bad.status_code == 422 and "itching" in bad.json()["detail"]


def test_listing_a_contact_proposes_a_quarantine_order(
    client: TestClient, session: Session
) -> None:
    cid = case_id(client)
    made = api(client, "ann", "POST", f"/cases/{cid}/contacts", json=contact_body("Zhao Li"))
    assert made.status_code == 201, made.text
    contact = made.json()
    # COVID-19 close contact (NHC plan 9): 7 days facility + 3 home from the last exposure.
    assert contact["order"] == {
        "id": contact["order"]["id"],
        "kind": "facility",
        "start_date": "2024-03-05",
        "end_date": "2024-03-14",
        "status": "proposed",
    }
    order = session.get(QuarantineOrder, contact["order"]["id"])
    assert order is not None and order.contact_id == contact["id"] and order.test_mask
    again = api(client, "ann", "POST", f"/cases/{cid}/contacts", json=contact_body("Zhao Li"))
    assert again.status_code == 409  # the same name and phone match the same person
    second = contact_body(
        "Qian Er", category="secondary_close", source_contact_id=contact["id"], setting="work"
    )
    secondary = api(client, "ann", "POST", f"/cases/{cid}/contacts", json=second).json()
    assert secondary["order"]["kind"] == "home" and secondary["order"]["end_date"] == "2024-03-11"
    listed = api(client, "ann", "GET", f"/cases/{cid}/contacts").json()
    assert (listed["total"], listed["limit"], listed["offset"], listed["next_offset"]) == (
        2,
        50,
        0,
        None,
    )
    assert [c["person_name"] for c in listed["items"]] == ["Zhao Li", "Qian Er"]
    assert listed["items"][1]["source_contact_id"] == contact["id"]


def counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(Contact)) or 0,
        session.scalar(select(func.count()).select_from(Person)) or 0,
        session.scalar(select(func.count()).select_from(QuarantineOrder)) or 0,
    )


def test_exposure_after_isolation_is_refused_whole(client: TestClient, session: Session) -> None:
    cid = case_id(client)
    api(
        client,
        "ann",
        "PATCH",
        f"/cases/{cid}/interview",
        json={"version": 1, "date_isolation": "2024-03-03"},
    )
    before = counts(session)
    late = api(client, "ann", "POST", f"/cases/{cid}/contacts", json=contact_body("Sun San"))
    assert late.status_code == 422
    assert "after the case was isolated on 2024-03-03" in late.json()["detail"]
    wrong = api(
        client,
        "ann",
        "POST",
        f"/cases/{cid}/contacts",
        json=contact_body("Li Si", last="2024-03-02", category="casual"),
    )
    assert wrong.status_code == 422 and "no contact category 'casual'" in wrong.json()["detail"]
    session.expire_all()
    assert counts(session) == before


def test_a_case_listed_as_contact_is_linked(client: TestClient, session: Session) -> None:
    index = case_id(client)
    other = post_case(client, "ann", person={"name": "Wu Liu", "phone": "13911112222"})
    body = contact_body("x", person=None, person_id=other["person"]["id"])
    made = api(client, "ann", "POST", f"/cases/{index}/contacts", json=body).json()
    assert made["person_case_id"] == other["id"]
    links = api(client, "ann", "GET", f"/cases/{other['id']}/links").json()["items"]
    assert [(x["infector_case_id"], x["infectee_case_id"], x["source"]) for x in links] == [
        (index, other["id"], "contact")
    ]
    assert link_contacts_who_became_cases(session) == 0  # idempotent


def test_contact_who_later_becomes_a_case_is_linked(client: TestClient, session: Session) -> None:
    index = case_id(client)
    contact = api(
        client, "ann", "POST", f"/cases/{index}/contacts", json=contact_body("Zheng Qi")
    ).json()
    later = post_case(client, "ann", person=None, person_id=contact["person_id"])
    assert link_contacts_who_became_cases(session, case_ids=[later["id"]]) == 1
    link = session.scalars(select(TransmissionLink)).one()
    assert (link.infector_case_id, link.infectee_case_id) == (index, later["id"])


def test_links_refuse_cycles_and_second_infectors(client: TestClient, session: Session) -> None:
    a, b, c = (case_id(client) for _ in range(3))
    for x, y in ((a, b), (b, c)):
        made = api(
            client,
            "ann",
            "POST",
            "/tracing/links",
            json={"infector_case_id": x, "infectee_case_id": y},
        )
        assert made.status_code == 201
    cycle = api(
        client, "ann", "POST", "/tracing/links", json={"infector_case_id": c, "infectee_case_id": a}
    )
    assert cycle.status_code == 422
    assert cycle.json()["detail"] == f"the link would make a cycle: {a} → {b} → {c} → {a}"
    assert cycle.json()["cycle"] == [a, b, c]
    second = api(
        client, "ann", "POST", "/tracing/links", json={"infector_case_id": a, "infectee_case_id": c}
    )
    assert second.status_code == 409
    assert session.scalar(select(func.count()).select_from(TransmissionLink)) == 2


def test_clusters_and_graph(client: TestClient) -> None:
    a, b, c, d = (case_id(client) for _ in range(4))
    for x, y in ((a, b), (a, c)):
        api(
            client,
            "ann",
            "POST",
            "/tracing/links",
            json={"infector_case_id": x, "infectee_case_id": y},
        )
    found = api(client, "ann", "GET", "/tracing/clusters").json()["items"]
    assert [(x["size"], x["depth"], x["root_case_ids"]) for x in found] == [(3, 1, [a])]
    graph = api(client, "ann", "GET", f"/tracing/clusters/{found[0]['cluster']}/graph").json()
    assert {n["id"]: n["generation"] for n in graph["nodes"]} == {a: 0, b: 1, c: 1}
    assert sorted(map(tuple, graph["edges"])) == [(a, b), (a, c)]
    assert d not in {n["id"] for n in graph["nodes"]}
    assert api(client, "ann", "GET", "/tracing/clusters/99/graph").status_code == 404


def test_clusters_of_a_disease_without_cases(client: TestClient) -> None:
    # links exist, but no case of the filtered disease: an empty list, not a 500
    a, b = case_id(client), case_id(client)
    link = {"infector_case_id": a, "infectee_case_id": b}
    assert api(client, "ann", "POST", "/tracing/links", json=link).status_code == 201
    for disease in ("measles", "no-such-disease"):
        found = api(client, "ann", "GET", "/tracing/clusters", params={"disease": disease})
        assert found.status_code == 200 and found.json()["items"] == []
        graph = api(client, "ann", "GET", "/tracing/clusters/1/graph", params={"disease": disease})
        assert graph.status_code == 404


def test_another_county_sees_nothing(client: TestClient) -> None:
    cid = case_id(client)
    api(client, "ann", "POST", f"/cases/{cid}/contacts", json=contact_body("Zhou Ba"))
    for path in (f"/cases/{cid}/interview", f"/cases/{cid}/contacts", f"/cases/{cid}/links"):
        assert api(client, "bob", "GET", path).status_code == 404, path
    assert api(client, "bob", "GET", "/tracing/clusters").json()["total"] == 0
